package dev.wisp.server.files;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wisp.core.Headers;
import dev.wisp.server.files.Validators.Outcome;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ValidatorsTest {
    private static final Validators FILE = new Validators("\"c-5f\"", Instant.parse("2024-05-01T10:00:00Z"),
            Instant.parse("2024-05-02T12:00:00Z"));
    private static final String AT = "Wed, 01 May 2024 10:00:00 GMT";
    private static final String BEFORE = "Wed, 01 May 2024 09:59:59 GMT";

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "                     |                                                  | PROCEED",
        "If-None-Match        | \"c-5f\"                                         | NOT_MODIFIED",
        "If-None-Match        | W/\"c-5f\"                                       | NOT_MODIFIED",
        "If-None-Match        | \"a\", W/\"b\" ,\"c-5f\"                         | NOT_MODIFIED",
        "If-None-Match        | \"a,b\", \"c-5f\"                                | NOT_MODIFIED",
        "If-None-Match        | *                                                | NOT_MODIFIED",
        "If-None-Match        | \"c-5\"                                          | PROCEED",
        "If-None-Match        | \"C-5F\"                                         | PROCEED",
        "If-None-Match        | c-5f                                             | PROCEED",
        "If-None-Match        | \"a\" junk \"c-5f\"                              | PROCEED",
        "If-None-Match        | \"c-5f                                           | PROCEED",
        "If-Match             | \"c-5f\"                                         | PROCEED",
        "If-Match             | *                                                | PROCEED",
        "If-Match             | W/\"c-5f\"                                       | PRECONDITION_FAILED",
        "If-Match             | \"x\"                                            | PRECONDITION_FAILED",
        "If-Modified-Since    | Wed, 01 May 2024 10:00:00 GMT                    | NOT_MODIFIED",
        "If-Modified-Since    | Thu, 02 May 2024 10:00:00 GMT                    | NOT_MODIFIED",
        "If-Modified-Since    | Wed, 01 May 2024 09:59:59 GMT                    | PROCEED",
        "If-Modified-Since    | Thu, 02 May 2024 12:00:00 GMT                    | NOT_MODIFIED",
        "If-Modified-Since    | Thu, 02 May 2024 12:00:01 GMT                    | PROCEED",
        "If-Modified-Since    | Fri, 01 Jan 2100 00:00:00 GMT                    | PROCEED",
        "If-Modified-Since    | yesterday                                        | PROCEED",
        "If-Unmodified-Since  | Wed, 01 May 2024 09:59:59 GMT                    | PRECONDITION_FAILED",
        "If-Unmodified-Since  | Wed, 01 May 2024 10:00:00 GMT                    | PROCEED",
        "If-Unmodified-Since  | Wednesday, 01-May-24 09:00:00 GMT                | PRECONDITION_FAILED",
    })
    void evaluatesOnePrecondition(String name, String value, Outcome expected) {
        Headers headers = name == null ? Headers.empty() : Headers.of(name, value);
        assertEquals(expected, FILE.evaluate(headers));
    }

    @Test
    void ifNoneMatchOverridesIfModifiedSince() {
        assertEquals(Outcome.PROCEED, FILE.evaluate(Headers.of("If-None-Match", "\"x\"", "If-Modified-Since", AT)));
        assertEquals(Outcome.NOT_MODIFIED,
                FILE.evaluate(Headers.of("If-None-Match", "\"c-5f\"", "If-Modified-Since", BEFORE)));
    }

    /** RFC 9110 §13.2.2 step 3 before step 4: a date in the future is no more use than a valid one alongside. */
    @Test
    void ifNoneMatchDecidesWhateverTheDateOfIfModifiedSince() {
        String future = "Fri, 01 Jan 2100 00:00:00 GMT";
        assertEquals(Outcome.NOT_MODIFIED,
                FILE.evaluate(Headers.of("If-None-Match", "W/\"c-5f\"", "If-Modified-Since", future)));
        assertEquals(Outcome.PROCEED, FILE.evaluate(Headers.of("If-None-Match", "\"x\"", "If-Modified-Since", future)));
    }

    @Test
    void ifMatchOverridesIfUnmodifiedSince() {
        assertEquals(Outcome.PROCEED,
                FILE.evaluate(Headers.of("If-Match", "\"c-5f\"", "If-Unmodified-Since", BEFORE)));
    }

    @Test
    void failedIfMatchWinsOverIfNoneMatch() {
        assertEquals(Outcome.PRECONDITION_FAILED,
                FILE.evaluate(Headers.of("If-Match", "\"x\"", "If-None-Match", "\"c-5f\"")));
    }

    /**
     * RFC 9110 §5.6.7: recipients must accept rfc850-date, with a two-digit year in the last century.
     */
    @Test
    void acceptsRfc850DateOfLastCentury() {
        assertEquals(Outcome.PRECONDITION_FAILED,
                FILE.evaluate(Headers.of("If-Unmodified-Since", "Sunday, 06-Nov-94 08:49:37 GMT")));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "\"c-5f\"                        | true",
        "W/\"c-5f\"                      | false",
        "\"c-5\"                         | false",
        "Wed, 01 May 2024 10:00:00 GMT   | true",
        "Wed, 01 May 2024 10:00:01 GMT   | false",
        "garbage                         | false",
    })
    void matchesIfRangeStrongly(String value, boolean expected) {
        assertEquals(expected, FILE.ifRangeMatches(value));
    }
}
