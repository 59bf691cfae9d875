package dev.wisp.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AcceptEncodingTest {
    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
        "NULL                            | false | false",
        "''                              | false | false",
        "gzip                            | true  | false",
        "GZip                            | true  | false",
        "x-gzip                          | true  | false",
        "deflate, gzip;q=0.5             | true  | false",
        "gzip;q=0                        | false | false",
        "gzip; q=0.000                   | false | false",
        "gzip;q=0.001                    | true  | false",
        "gzip;q=1.000                    | true  | false",
        "gzip;q=1.5                      | false | false",
        "gzip;q=abc                      | false | false",
        "br                              | false | false",
        "*                               | true  | false",
        "*;q=0.1                         | true  | false",
        "gzip;q=0, *                     | false | false",
        "identity;q=0                    | false | true",
        "gzip, identity;q=0              | true  | true",
        "*;q=0                           | false | true",
        "*;q=0, identity                 | false | false",
        "br, *;q=0                       | false | true",
    })
    void readsWeightsAndWildcards(String field, boolean acceptsGzip, boolean refusesIdentity) {
        AcceptEncoding accepted = AcceptEncoding.parse(field);
        assertEquals(acceptsGzip, accepted.accepts("gzip"), "gzip");
        assertEquals(refusesIdentity, accepted.refusesIdentity(), "identity refused");
    }

    @ParameterizedTest(name = "[{index}] {0}: {1}")
    @CsvSource(delimiter = '|', value = {
        "gzip, deflate, br, zstd            | br   | 1.0",
        "gzip;q=1.0, br;q=0.5               | br   | 0.5",
        "br;q=0.2, BR;q=0.7                 | br   | 0.7",
        "gzip;q=0.8, *;q=0.3                | zstd | 0.3",
        "gzip;q=0.8, *;q=0.3                | gzip | 0.8",
        "x-gzip;q=0.4                       | gzip | 0.4",
        "br;q=0, *                          | br   | 0.0",
        "gzip                               | br   | 0.0",
        "' , ;q=1, br'                      | br   | 1.0",
    })
    void givesEachCodingItsWeight(String field, String coding, double weight) {
        assertEquals(weight, AcceptEncoding.parse(field).weight(coding));
    }

    @Test
    void joinsTheValuesOfRepeatedFields() {
        AcceptEncoding accepted = AcceptEncoding.parse(List.of("gzip;q=0.5", "br"));
        assertEquals(0.5, accepted.weight("gzip"));
        assertEquals(1.0, accepted.weight("br"));
        assertFalse(AcceptEncoding.parse(List.of()).accepts("gzip"));
    }
}
