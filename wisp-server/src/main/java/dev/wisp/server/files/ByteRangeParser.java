package dev.wisp.server.files;

import dev.wisp.core.Ascii;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses a Range header in the {@code bytes} unit (RFC 9110 §14.1.2) against a file size.
 *
 * <pre>
 * Range        = range-unit "=" range-set
 * range-set    = 1#range-spec
 * range-spec   = first-pos "-" [ last-pos ]  /  "-" suffix-length
 * </pre>
 * A header that does not parse, names another unit, or asks for several ranges is ignored, so the whole file is
 * sent with 200; §14.2 allows that, and it spares us multipart/byteranges, which browsers and media players do not
 * need. A single range is served if any of it lies within the file (the end is clipped to the last byte), and is
 * unsatisfiable otherwise, which includes every range of an empty file.
 */
final class ByteRangeParser {
    private ByteRangeParser() {
    }

    static RangeSelection select(String header, long size) {
        int equals = header.indexOf('=');
        if (equals < 0 || !Ascii.toLowerCase(header.substring(0, equals).strip()).equals("bytes")) {
            return new RangeSelection.Whole();
        }
        List<String> specs = new ArrayList<>(1);
        for (String spec : header.substring(equals + 1).split(",", -1)) {
            String trimmed = spec.strip();
            if (!trimmed.isEmpty()) {
                specs.add(trimmed);
            }
        }
        if (specs.size() != 1) {
            return new RangeSelection.Whole();
        }
        return selectOne(specs.get(0), size);
    }

    private static RangeSelection selectOne(String spec, long size) {
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return new RangeSelection.Whole();
        }
        long first = number(spec, 0, dash);
        long last = number(spec, dash + 1, spec.length());
        if (dash == 0) {
            if (last < 0) {
                return new RangeSelection.Whole();
            }
            // A suffix: the last n bytes, or the whole file if it is shorter.
            if (last == 0 || size == 0) {
                return new RangeSelection.Unsatisfiable();
            }
            return new RangeSelection.Part(Math.max(0, size - last), size - 1);
        }
        boolean open = dash == spec.length() - 1;
        if (first < 0 || (!open && (last < 0 || last < first))) {
            return new RangeSelection.Whole();
        }
        if (first >= size) {
            return new RangeSelection.Unsatisfiable();
        }
        return new RangeSelection.Part(first, open ? size - 1 : Math.min(last, size - 1));
    }

    /** A run of digits as a number, saturating at {@link Long#MAX_VALUE}; -1 if empty or not all digits. */
    private static long number(String text, int start, int end) {
        if (start >= end) {
            return -1;
        }
        long value = 0;
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            int digit = c - '0';
            value = value > (Long.MAX_VALUE - digit) / 10 ? Long.MAX_VALUE : value * 10 + digit;
        }
        return value;
    }
}
