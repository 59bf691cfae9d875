package dev.wisp.server.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Range headers against a file size: single, multiple, unsatisfiable and ignored range sets. */
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
        "bytes=-0                           | 0  | Unsatisfiable[]",
        "bytes=-5                           | 0  | Whole[]",
        "bytes=0-,-5                        | 0  | Whole[]",
        "bytes=0-1,3-4                      | 10 | Parts[parts=[Part[first=0, last=1], Part[first=3, last=4]]]",
        "bytes=3-4,0-1                      | 10 | Parts[parts=[Part[first=3, last=4], Part[first=0, last=1]]]",
        "bytes=0-1,2-3                      | 10 | Parts[parts=[Part[first=0, last=1], Part[first=2, last=3]]]",
        "bytes=-2,0-1                       | 10 | Parts[parts=[Part[first=8, last=9], Part[first=0, last=1]]]",
        "bytes=0-1,20-30                    | 10 | Part[first=0, last=1]",
        "bytes=20-30,-0                     | 10 | Unsatisfiable[]",
        "bytes=0-5,3-8                      | 10 | Whole[]",
        "bytes=0-1,1-2                      | 10 | Whole[]",
        "bytes=0-,5-5                       | 10 | Whole[]",
        "bytes=-5,0-8                       | 10 | Whole[]",
        "bytes=0-1,x                        | 10 | Whole[]",
        "bytes=0-1,5-4                      | 10 | Whole[]",
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

    @Test
    void servesAtMostMaxRangesAndIgnoresMore() {
        assertEquals(16, ByteRangeParser.MAX_RANGES);
        assertInstanceOf(RangeSelection.Parts.class, ByteRangeParser.select(ranges(16), 100));
        assertInstanceOf(RangeSelection.Whole.class, ByteRangeParser.select(ranges(17), 100));
    }

    /** {@code bytes=0-0,2-2,4-4,...}: that many single bytes, none overlapping. */
    static String ranges(int count) {
        return "bytes=" + IntStream.range(0, count).mapToObj(i -> (2 * i) + "-" + (2 * i))
                .collect(Collectors.joining(","));
    }
}
