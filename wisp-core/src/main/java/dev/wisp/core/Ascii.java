package dev.wisp.core;

import java.nio.charset.StandardCharsets;

/**
 * ASCII helpers shared by the codecs: case folding, decimal numbers, and safe echoing of peer input in error messages.
 */
public final class Ascii {
    /** At most this many bytes of peer input appear in an error message. */
    public static final int MAX_ECHO = 64;

    private Ascii() {
    }

    /**
     * A decimal number as HTTP writes one, {@code 1*DIGIT}, of at most 18 digits so that it fits a long; -1 if the text
     * is not one (signs, spaces and other characters included).
     */
    public static long parseDigits(String text) {
        if (text.isEmpty() || text.length() > 18) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    /** Lower-cases ASCII letters only, leaving other characters alone (header names are ASCII tokens). */
    public static String toLowerCase(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                char[] chars = text.toCharArray();
                for (int j = i; j < chars.length; j++) {
                    char d = chars[j];
                    if (d >= 'A' && d <= 'Z') {
                        chars[j] = (char) (d + ('a' - 'A'));
                    }
                }
                return new String(chars);
            }
        }
        return text;
    }

    /** Returns at most {@link #MAX_ECHO} characters of text with control and non-ASCII characters escaped. */
    public static String escape(CharSequence text) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_ECHO) + 8);
        int end = Math.min(text.length(), MAX_ECHO);
        for (int i = 0; i < end; i++) {
            appendEscaped(out, text.charAt(i));
        }
        if (text.length() > MAX_ECHO) {
            out.append("...");
        }
        return out.toString();
    }

    /** Like {@link #escape(CharSequence)}, for raw bytes. */
    public static String escape(byte[] bytes, int offset, int length) {
        StringBuilder out = new StringBuilder(Math.min(length, MAX_ECHO) + 8);
        int end = offset + Math.min(length, MAX_ECHO);
        for (int i = offset; i < end; i++) {
            appendEscaped(out, bytes[i] & 0xff);
        }
        if (length > MAX_ECHO) {
            out.append("...");
        }
        return out.toString();
    }

    /** Appends c, escaped if it is a control or not ASCII: two hex digits up to 0xff, four above (UTF-16 text). */
    private static void appendEscaped(StringBuilder out, int c) {
        switch (c) {
            case '\r' -> out.append("\\r");
            case '\n' -> out.append("\\n");
            case '\t' -> out.append("\\t");
            case '\\' -> out.append("\\\\");
            default -> {
                if (c > 0xff) {
                    out.append("\\u").append(hexDigit(c >> 12)).append(hexDigit(c >> 8)).append(hexDigit(c >> 4))
                            .append(hexDigit(c));
                } else if (c < 0x20 || c >= 0x7f) {
                    out.append("\\x").append(hexDigit(c >> 4)).append(hexDigit(c));
                } else {
                    out.append((char) c);
                }
            }
        }
    }

    private static char hexDigit(int value) {
        return Character.forDigit(value & 0xf, 16);
    }

    /** Encodes text that is known to be ASCII or Latin-1 (HTTP heads) to bytes. */
    public static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }
}
