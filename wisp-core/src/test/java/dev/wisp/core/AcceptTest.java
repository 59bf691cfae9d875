package dev.wisp.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AcceptTest {
    @ParameterizedTest(name = "[{index}] {0}: {1}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
        "NULL                                                    | text/html        | 1.0",
        "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8 | text/html | 1.0",
        "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8 | application/json | 0.8",
        "application/json                                        | application/json | 1.0",
        "application/json                                        | text/html        | 0.0",
        "*/*                                                     | application/json | 1.0",
        "text/html;q=0, */*                                      | text/html        | 0.0",
        "text/html;q=0, */*                                      | text/plain       | 1.0",
        "text/*;q=0.3, text/html;q=0.7                           | text/html        | 0.7",
        "text/*;q=0.3, text/html;q=0.7                           | text/plain       | 0.3",
        "TEXT/HTML;Q=0.5                                         | text/html        | 0.5",
        "text/html;level=1;q=0.4, text/html;q=0.6                | text/html        | 0.6",
        "application/json;q=abc                                  | application/json | 0.0",
        "nonsense, /, text/                                      | text/html        | 0.0",
    })
    void givesAMediaTypeTheWeightOfTheMostSpecificRange(String field, String mediaType, double weight) {
        assertEquals(weight, Accept.parse(field == null ? List.of() : List.of(field)).weight(mediaType));
    }
}
