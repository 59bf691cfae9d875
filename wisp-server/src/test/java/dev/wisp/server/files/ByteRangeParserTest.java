package dev.wisp.server.files;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ByteRangeParserTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "bytes=0-0                          | 10 | Part[first=0, last=0]",
        "bytes=0-                           | 10 | Part[first=0, last=9]",
        "bytes=3-5                          | 10 | Part[first=3, last=5]",
        "bytes=3-50                         | 10 | Part[first=3, last=9]",
        "bytes=-3                           | 10 | Part[first=7, last=9]",
        "bytes=-30                          | 10 | Part[first=0, last=9]",
        "bytes=9-99999999999999999999999999 | 10 | Part[first=9, last=9]",
        "Bytes=1-1                          | 10 | Part[first=1, last=1]",
        "bytes=, 1-1 ,                      | 10 | Part[first=1, last=1]",
        "bytes=10-                          | 10 | Unsatisfiable[]",
        "bytes=99999999999999999999999999-  | 10 | Unsatisfiable[]",
        "bytes=-0                           | 10 | Unsatisfiable[]",
        "bytes=0-                           | 0  | Unsatisfiable[]",
        "bytes=-5                           | 0  | Unsatisfiable[]",
        "bytes=0-1,3-4                      | 10 | Whole[]",
        "bytes=5-4                          | 10 | Whole[]",
        "bytes=a-4                          | 10 | Whole[]",
        "bytes=+1-4                         | 10 | Whole[]",
        "bytes=1 -4                         | 10 | Whole[]",
        "bytes=                             | 10 | Whole[]",
        "bytes                              | 10 | Whole[]",
        "pages=1-2                          | 10 | Whole[]",
        "bytes=-                            | 10 | Whole[]",
    })
    void selects(String header, long size, String expected) {
        assertEquals(expected, ByteRangeParser.select(header, size).toString());
    }
}
