package dev.wisp.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** HTTP dates as RFC 9110 §5.6.7 defines them. */
class HttpDateTest {
    private static final Instant EXAMPLE = Instant.parse("1994-11-06T08:49:37Z");

    @Test
    void formatsAsImfFixdateWithATwoDigitDay() {
        assertEquals("Sun, 06 Nov 1994 08:49:37 GMT", HttpDate.format(EXAMPLE));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "Sun, 06 Nov 1994 08:49:37 GMT",
        "Sunday, 06-Nov-94 08:49:37 GMT",
        "Sun Nov  6 08:49:37 1994",
    })
    void parsesAllThreeFormats(String text) {
        assertEquals(Optional.of(EXAMPLE), HttpDate.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "yesterday", "Mon, 06 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 UTC"})
    void rejectsWhatIsNoHttpDate(String text) {
        assertEquals(Optional.empty(), HttpDate.parse(text));
    }

    @Test
    void nowIsAnImfFixdateOfTheCurrentSecond() {
        String now = HttpDate.now();
        Instant parsed = HttpDate.parse(now).orElseThrow();
        assertTrue(Math.abs(parsed.getEpochSecond() - Instant.now().getEpochSecond()) <= 1, now);
        assertEquals(29, now.length());
    }
}
