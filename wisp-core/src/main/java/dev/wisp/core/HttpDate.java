package dev.wisp.core;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.Locale;
import java.util.Optional;

/**
 * HTTP dates (RFC 9110 §5.6.7): IMF-fixdate to send, and all three historic formats to receive.
 * {@link #now()} caches the current second's text, since every response carries a Date.
 *
 * <p>Thread-safe.
 */
public final class HttpDate {
    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);
    /**
     * RFC 9110 §5.6.7: a two-digit year that seems more than 50 years ahead is in the past century, so the
     * century is chosen from a window of 100 years ending 49 years from now (before checking the weekday).
     */
    private static final DateTimeFormatter RFC_850 = new DateTimeFormatterBuilder()
            .appendPattern("EEEE, dd-MMM-")
            .appendValueReduced(ChronoField.YEAR, 2, 2, LocalDate.now(ZoneOffset.UTC).minusYears(50))
            .appendPattern(" HH:mm:ss 'GMT'")
            .toFormatter(Locale.US)
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter ASCTIME =
            DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US).withZone(ZoneOffset.UTC);

    private record Cached(long second, String text) {
    }

    private static volatile Cached cached = new Cached(Long.MIN_VALUE, "");

    private HttpDate() {
    }

    /** Formats as IMF-fixdate, e.g. {@code Sun, 06 Nov 1994 08:49:37 GMT}. */
    public static String format(Instant instant) {
        return IMF_FIXDATE.format(instant);
    }

    /** The current time as IMF-fixdate, computed at most once a second. */
    public static String now() {
        long second = System.currentTimeMillis() / 1000;
        Cached current = cached;
        if (current.second != second) {
            current = new Cached(second, format(Instant.ofEpochSecond(second)));
            cached = current;
        }
        return current.text;
    }

    /** Parses IMF-fixdate, RFC 850 or asctime dates; empty if the text is none of them. */
    public static Optional<Instant> parse(String text) {
        for (DateTimeFormatter format : new DateTimeFormatter[] {IMF_FIXDATE, RFC_850, ASCTIME}) {
            try {
                return Optional.of(Instant.from(format.parse(text)));
            } catch (DateTimeParseException e) {
                // try the next format
            }
        }
        return Optional.empty();
    }
}
