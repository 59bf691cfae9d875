package dev.wisp.server.files;

import dev.wisp.core.Ascii;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Parses a Range header in the {@code bytes} unit (RFC 9110 §14.1.2) against a file size.
 *
 * <pre>
 * Range        = range-unit "=" range-set
 * range-set    = 1#range-spec
 * range-spec   = first-pos "-" [ last-pos ]  /  "-" suffix-length
 * </pre>
 * A header that does not parse, or names another unit, is ignored, so the whole file is sent with 200 (§14.2). A
 * range is satisfiable if any of it lies within the file (its end is clipped to the last byte); one past the end is
 * not, and is left out. No satisfiable range at all is a 416; one is a single part; several are a multipart answer,
 * in the order asked. Of an empty file only a suffix of non-zero length is satisfiable (§14.1.1), and no
 * Content-Range can name a part of nothing: the file is then sent whole, an empty 200, as nginx and Apache answer.
 *
 * <p>Against amplification (a few bytes of header asking for the same bytes many times over, §17.15), a set of more
 * than {@link #MAX_RANGES} ranges, or one whose satisfiable ranges overlap, is ignored and the whole file sent
 * once, as §14.2 allows. So a multipart answer never holds a byte of the file twice, and its part headers are
 * bounded.
 */
final class ByteRangeParser {
    /** The most ranges one request may ask for; Apache's MaxRanges serves the same purpose. */
    static final int MAX_RANGES = 16;

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
        if (specs.isEmpty() || specs.size() > MAX_RANGES) {
            return new RangeSelection.Whole();
        }
        List<RangeSelection.Part> parts = new ArrayList<>(specs.size());
        for (String spec : specs) {
            switch (selectOne(spec, size)) {
                case RangeSelection.Part part -> parts.add(part);
                case RangeSelection.Unsatisfiable unsatisfiable -> { }
                default -> {
                    // one invalid range-spec makes the whole set invalid; a suffix of an empty file is sent whole
                    return new RangeSelection.Whole();
                }
            }
        }
        if (parts.isEmpty()) {
            return new RangeSelection.Unsatisfiable();
        }
        if (parts.size() == 1) {
            return parts.get(0);
        }
        return overlap(parts) ? new RangeSelection.Whole() : new RangeSelection.Parts(parts);
    }

    private static boolean overlap(List<RangeSelection.Part> parts) {
        List<RangeSelection.Part> sorted = new ArrayList<>(parts);
        sorted.sort(Comparator.comparingLong(RangeSelection.Part::first));
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).first() <= sorted.get(i - 1).last()) {
                return true;
            }
        }
        return false;
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
            if (last == 0) {
                return new RangeSelection.Unsatisfiable();
            }
            if (size == 0) {
                return new RangeSelection.Whole();
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
