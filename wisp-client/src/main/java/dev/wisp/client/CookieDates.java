package dev.wisp.client;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the Expires attribute of Set-Cookie with RFC 6265 §5.1.1's lenient algorithm, which accepts the date
 * formats servers really send (RFC 1123, RFC 850 with a two-digit year, asctime, and dashes). Stateless.
 */
final class CookieDates {
    private static final Pattern DELIMITERS = Pattern.compile("[\\x09\\x20-\\x2F\\x3B-\\x40\\x5B-\\x60\\x7B-\\x7E]+");
    private static final Pattern TIME = Pattern.compile("(\\d{1,2}):(\\d{1,2}):(\\d{1,2})(?:\\D.*)?");
    private static final Pattern DAY = Pattern.compile("(\\d{1,2})(?:\\D.*)?");
    private static final Pattern YEAR = Pattern.compile("(\\d{2,4})(?:\\D.*)?");
    private static final String MONTHS = "jan feb mar apr may jun jul aug sep oct nov dec";

    private CookieDates() {
    }

    /** The instant, or empty if the text is not a cookie date. */
    static Optional<Instant> parse(String text) {
        int[] time = null;
        int day = -1;
        int month = -1;
        int year = -1;
        for (String token : DELIMITERS.split(text)) {
            Matcher m;
            if (token.isEmpty()) {
                continue;
            }
            if (time == null && (m = TIME.matcher(token)).matches()) {
                time = new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                        Integer.parseInt(m.group(3))};
            } else if (day < 0 && (m = DAY.matcher(token)).matches()) {
                day = Integer.parseInt(m.group(1));
            } else if (month < 0 && token.length() >= 3
                    && MONTHS.indexOf(token.substring(0, 3).toLowerCase(Locale.ROOT)) % 4 == 0) {
                month = MONTHS.indexOf(token.substring(0, 3).toLowerCase(Locale.ROOT)) / 4 + 1;
            } else if (year < 0 && (m = YEAR.matcher(token)).matches()) {
                year = Integer.parseInt(m.group(1));
            }
        }
        if (year >= 70 && year <= 99) {
            year += 1900;
        } else if (year >= 0 && year <= 69) {
            year += 2000;
        }
        if (time == null || day < 1 || day > 31 || month < 1 || year < 1601 || time[0] > 23 || time[1] > 59
                || time[2] > 59) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalDateTime.of(year, month, day, time[0], time[1], time[2])
                    .toInstant(ZoneOffset.UTC));
        } catch (DateTimeException e) {
            return Optional.empty(); // a day the month does not have
        }
    }
}
