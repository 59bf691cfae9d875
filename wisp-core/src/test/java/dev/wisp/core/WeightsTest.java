package dev.wisp.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The q weight of a list member (RFC 9110 §12.4.2): 1 without one, 0 for one out of the grammar. */
class WeightsTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "gzip                     | 1",
        "gzip;q=0.5               | 0.5",
        "text/html;level=1;Q=0.25 | 0.25",
        "gzip; q=0                | 0",
        "gzip;q=0.                | 0",
        "gzip;q=1.000             | 1",
        "gzip;q=0.001             | 0.001",
        "gzip;q=1.5               | 0",
        "gzip;q=0.0001            | 0",
        "gzip;q=x                 | 0",
        "gzip;q=                  | 0",
        "gzip;q=-1                | 0",
        "gzip;qq=0.5              | 1",
    })
    void readsTheWeightOfAMember(String member, double weight) {
        assertEquals(weight, Weights.of(member.split(";")));
    }
}
