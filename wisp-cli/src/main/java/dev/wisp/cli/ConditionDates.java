package dev.wisp.cli;

import dev.wisp.core.HttpDate;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;

/**
 * The dates {@code wisp get -z} takes, as curl's date parser takes them: an HTTP date ({@code Sun, 06 Nov 1994
 * 08:49:37 GMT}, and the two obsolete forms), ISO 8601 ({@code 2026-12-05}, {@code 2026-12-05T10:00:00Z}, {@code
 * 2026-12-05 10:00}, {@code 20261205}), or words and numbers in any order ({@code Jan 10 2017}, {@code 10 January
 * 2017 08:00:00 GMT}, {@code Sat, 5 Dec 2026}); a time without a zone is in UTC (GMT), as curl reads it, and a
 * date without a time is its midnight.
 */
final class ConditionDates {
    private static final String[] MONTHS = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
        "nov", "dec"};
    private static final String[] WEEKDAYS = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

    private ConditionDates() {
    }

    static Optional<Instant> parse(String text) {
        String trimmed = text.strip();
        if (trimmed.isEmpty()) {
            return Optional.empty();
        }
        Optional<Instant> http = HttpDate.parse(trimmed);
        return http.isPresent() ? http : iso(trimmed).or(() -> words(trimmed));
    }

    private static Optional<Instant> iso(String text) {
        try {
            if (text.matches("\\d{8}")) {
                return Optional.of(LocalDate.of(Integer.parseInt(text.substring(0, 4)),
                        Integer.parseInt(text.substring(4, 6)), Integer.parseInt(text.substring(6)))
                        .atStartOfDay(ZoneOffset.UTC).toInstant());
            }
            if (text.matches("\\d{4}-\\d{2}-\\d{2}")) {
                return Optional.of(LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant());
            }
            String dateTime = text.replace(' ', 'T');
            if (dateTime.matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?")) {
                return Optional.of(LocalDateTime.parse(dateTime).toInstant(ZoneOffset.UTC));
            }
            if (dateTime.matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:\\d{2})")) {
                return Optional.of(OffsetDateTime.parse(dateTime).toInstant());
            }
        } catch (DateTimeException e) {
            // a day or month out of range: no date
        }
        return Optional.empty();
    }

    /** Words and numbers: a month's name, a day, a four-digit year, a time, a weekday and a GMT or UTC zone. */
    private static Optional<Instant> words(String text) {
        int year = -1;
        int month = -1;
        int day = -1;
        LocalTime time = LocalTime.MIDNIGHT;
        boolean timeSeen = false;
        for (String token : text.toLowerCase(Locale.ROOT).split("[\\s,]+")) {
            if (token.isEmpty() || token.equals("gmt") || token.equals("utc") || token.equals("z")
                    || isName(token, WEEKDAYS) >= 0) {
                continue;
            }
            int named = isName(token, MONTHS);
            if (named >= 0 && month < 0) {
                month = named + 1;
            } else if (token.matches("\\d{1,2}:\\d{2}(:\\d{2})?") && !timeSeen) {
                try {
                    time = LocalTime.parse(token.length() < 5 || token.charAt(1) == ':' ? "0" + token : token);
                } catch (DateTimeParseException e) {
                    return Optional.empty();
                }
                timeSeen = true;
            } else if (token.matches("\\d{4}") && year < 0) {
                year = Integer.parseInt(token);
            } else if (token.matches("\\d{1,2}") && day < 0) {
                day = Integer.parseInt(token);
            } else {
                return Optional.empty();
            }
        }
        if (year < 0 || month < 0 || day < 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalDate.of(year, month, day).atTime(time).toInstant(ZoneOffset.UTC));
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }

    /** The index of the name a token is (three letters or more of it, as "Jan" or "January"), or -1. */
    private static int isName(String token, String[] names) {
        if (token.length() < 3 || !token.chars().allMatch(Character::isLetter)) {
            return -1;
        }
        for (int i = 0; i < names.length; i++) {
            if (token.startsWith(names[i])) {
                return i;
            }
        }
        return -1;
    }
}
