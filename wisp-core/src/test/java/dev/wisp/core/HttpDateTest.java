package dev.wisp.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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

    @Test
    void formatsAsTheImfFixdatePatternDoesAcrossTheYearsAndTimesOfDay() {
        DateTimeFormatter pattern =
                DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);
        List<Instant> instants = new ArrayList<>();
        for (long second = -70_000_000_000L; second < 300_000_000_000L; second += 86_399_999L) {
            instants.add(Instant.ofEpochSecond(second)); // a step off a whole day, so every time of day comes up
        }
        for (String text : List.of("2024-02-29T23:59:59Z", "1000-01-01T00:00:00Z", "0999-12-31T23:59:59Z",
                "9999-12-31T23:59:59Z", "+10000-01-01T00:00:00Z", "-0001-06-15T12:00:00Z")) {
            instants.add(Instant.parse(text));
        }
        for (Instant instant : instants) {
            assertEquals(pattern.format(instant), HttpDate.format(instant), instant::toString);
        }
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

    @Test
    void theDateFieldHoldsTheCurrentSecondAndIsMadeOnceASecond() {
        HeaderField field = HttpDate.dateField();

        assertEquals(HeaderNames.DATE, field.name());
        Instant parsed = HttpDate.parse(field.value()).orElseThrow();
        assertTrue(Math.abs(parsed.getEpochSecond() - Instant.now().getEpochSecond()) <= 1, field.value());
        HeaderField again = HttpDate.dateField();
        assertTrue(again == field || !again.value().equals(field.value()), "a second field for the same second");
    }

    @Test
    void theDateFieldForAMonotonicReadingFollowsTheWallClocksSecondAcrossItsEnds() {
        long until = System.nanoTime() + 2_300_000_000L; // two ends of a second, at least
        int seconds = 0;
        String last = "";
        while (System.nanoTime() - until < 0) {
            long before = Instant.now().getEpochSecond();
            String value = HttpDate.dateField(System.nanoTime()).value();
            long after = Instant.now().getEpochSecond();
            long dated = HttpDate.parse(value).orElseThrow().getEpochSecond();
            assertTrue(dated >= before && dated <= after, value + " between " + before + " and " + after);
            if (!value.equals(last)) {
                seconds++;
                last = value;
            }
        }
        assertTrue(seconds >= 3, seconds + " seconds seen");
    }
}
