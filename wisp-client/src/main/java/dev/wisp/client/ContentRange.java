package dev.wisp.client;

import dev.wisp.core.Ascii;

/**
 * A {@code Content-Range} field of bytes (RFC 9110 §14.4): the range sent, {@code bytes FIRST-LAST/LENGTH}, or, in a
 * 416, the length alone, {@code bytes *}{@code /LENGTH}.
 *
 * @param first the first byte's offset; -1 in a 416's form
 * @param last the last byte's offset; -1 in a 416's form
 * @param length the whole representation's length; -1 when the server wrote {@code *}
 */
record ContentRange(long first, long last, long length) {

    /** Reads the field; null if it is absent or not a byte range as RFC 9110 writes one. */
    static ContentRange parse(String value) {
        if (value == null || !value.startsWith("bytes ")) {
            return null;
        }
        String spec = value.substring("bytes ".length());
        int slash = spec.indexOf('/');
        if (slash < 0) {
            return null;
        }
        String range = spec.substring(0, slash);
        String total = spec.substring(slash + 1);
        long length = total.equals("*") ? -1 : Ascii.parseDigits(total);
        if (length < 0 && !total.equals("*")) {
            return null;
        }
        if (range.equals("*")) {
            return length < 0 ? null : new ContentRange(-1, -1, length);
        }
        int dash = range.indexOf('-');
        long first = dash < 0 ? -1 : Ascii.parseDigits(range.substring(0, dash));
        long last = dash < 0 ? -1 : Ascii.parseDigits(range.substring(dash + 1));
        if (first < 0 || last < first || length >= 0 && last >= length) {
            return null;
        }
        return new ContentRange(first, last, length);
    }
}
