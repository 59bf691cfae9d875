package dev.wisp.server.filters;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
        assertEquals(new AcceptEncoding(acceptsGzip, refusesIdentity), AcceptEncoding.parse(field));
    }
}
