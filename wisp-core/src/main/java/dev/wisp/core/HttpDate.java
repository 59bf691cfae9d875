package dev.wisp.core;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.Locale;
import java.util.Optional;

/**
 * HTTP dates (RFC 9110 §5.6.7): IMF-fixdate to send, and all three historic formats to receive.
 * {@link #now()} and {@link #dateField()} cache the current second's text, since every response carries a Date;
 * {@link #dateField(long)} also spares the clock's read.
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

    private static final String[] DAYS = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    private static final String[] MONTHS = {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    };

    /** The current second's text and field, and the {@link System#nanoTime()} the second ends at. */
    private record Cached(long second, String text, HeaderField field, long endNanos) {
    }

    private static volatile Cached cached = made(System.currentTimeMillis());

    private HttpDate() {
    }

    /** Formats as IMF-fixdate, e.g. {@code Sun, 06 Nov 1994 08:49:37 GMT}. */
    public static String format(Instant instant) {
        LocalDateTime time = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), 0, ZoneOffset.UTC);
        if (time.getYear() < 1000 || time.getYear() > 9999) {
            return IMF_FIXDATE.format(instant); // years of other than four digits, as the pattern writes them
        }
        // By hand: once a second is too rarely for the JIT to compile DateTimeFormatter's general machinery, and
        // interpreted it takes milliseconds, which the request that comes at the turn of the second waits for.
        StringBuilder text = new StringBuilder(29)
                .append(DAYS[time.getDayOfWeek().ordinal()]).append(", ");
        appendTwoDigits(text, time.getDayOfMonth()).append(' ')
                .append(MONTHS[time.getMonthValue() - 1]).append(' ').append(time.getYear()).append(' ');
        appendTwoDigits(text, time.getHour()).append(':');
        appendTwoDigits(text, time.getMinute()).append(':');
        return appendTwoDigits(text, time.getSecond()).append(" GMT").toString();
    }

    private static StringBuilder appendTwoDigits(StringBuilder text, int value) {
        return text.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
    }

    /** The current time as IMF-fixdate, computed at most once a second. */
    public static String now() {
        return current().text;
    }

    /** A {@code Date} header field of the current time, made at most once a second. */
    public static HeaderField dateField() {
        return current().field;
    }

    /**
     * {@link #dateField()} for a {@link System#nanoTime()} the caller has read anyway (a carrier loop's clock, read
     * once per turn), which spares a read of the wall clock while the second it is in lasts: the wall clock is read
     * once a second, and a step of it is seen at the next second.
     */
    public static HeaderField dateField(long nowNanos) {
        Cached current = cached;
        return nowNanos - current.endNanos < 0 ? current.field : current().field;
    }

    private static Cached current() {
        long millis = System.currentTimeMillis();
        Cached current = cached;
        if (current.second != Math.floorDiv(millis, 1000)) {
            current = made(millis);
            cached = current;
        }
        return current;
    }

    /**
     * The cache for the second of the wall clock's {@code millis}. Its end on the monotonic clock errs early, never
     * late: the wall clock is read again after the monotonic one and counts whole milliseconds, and the two may run
     * apart by a fraction of a millisecond a second while the wall clock is slewed; a millisecond more is taken off
     * for each. A reading past the end reads the wall clock, which tells whether the second has ended.
     */
    private static Cached made(long millis) {
        long second = Math.floorDiv(millis, 1000);
        String text = format(Instant.ofEpochSecond(second));
        long nanos = System.nanoTime();
        long leftMillis = (second + 1) * 1000 - System.currentTimeMillis() - 2;
        long endNanos = nanos + leftMillis * 1_000_000L;
        return new Cached(second, text, new HeaderField(HeaderNames.DATE, text), endNanos);
    }

    /**
     * Whether a Last-Modified date is a strong validator (RFC 9110 §8.8.2.2): a date names a whole second, and only
     * once that second is over when the response is sent (its Date at least a second later) can the resource no
     * longer change within it, so that no two versions share the date.
     */
    public static boolean isStrongLastModified(Instant lastModified, Instant date) {
        return !date.isBefore(lastModified.plusSeconds(1));
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
