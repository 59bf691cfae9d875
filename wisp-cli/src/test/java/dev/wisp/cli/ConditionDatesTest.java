package dev.wisp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The dates of {@code -z}: curl's (checked against curl in {@code GetConditionsIT}) and ISO 8601 besides. */
class ConditionDatesTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Sun, 06 Nov 1994 08:49:37 GMT | 1994-11-06T08:49:37Z",
        "Sunday, 06-Nov-94 08:49:37 GMT | 1994-11-06T08:49:37Z",
        "Sun Nov  6 08:49:37 1994 | 1994-11-06T08:49:37Z",
        "Jan 10 2017 | 2017-01-10T00:00:00Z",
        "10 January 2017 8:00 | 2017-01-10T08:00:00Z",
        "Sat, 5 Dec 2026 | 2026-12-05T00:00:00Z",
        "20261205 | 2026-12-05T00:00:00Z",
        "2026-12-05 | 2026-12-05T00:00:00Z",
        "2026-12-05 10:30 | 2026-12-05T10:30:00Z",
        "2026-12-05T10:30:15Z | 2026-12-05T10:30:15Z",
        "2026-12-05T10:30:15+01:00 | 2026-12-05T09:30:15Z"})
    void readsCurlsDatesAndIso8601(String text, String instant) {
        assertEquals(Optional.of(Instant.parse(instant)), ConditionDates.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "yesterday", "2026-13-01", "20261301", "Feb 30 2026", "Jan 2017", "10 Jan",
        "Jan 10 2017 25:00", "10 Jan 2017 junk", "1234567"})
    void refusesWhatIsNoDate(String text) {
        assertEquals(Optional.empty(), ConditionDates.parse(text));
    }
}
