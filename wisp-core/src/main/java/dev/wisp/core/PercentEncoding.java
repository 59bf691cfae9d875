package dev.wisp.core;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Percent-decoding of URI components (RFC 3986 §2.1), strict: a malformed escape or UTF-8 sequence is an error. */
public final class PercentEncoding {
    private PercentEncoding() {
    }

    /**
     * Decodes %XX escapes as UTF-8; with {@code plusIsSpace}, also '+' as space (HTML form query strings).
     *
     * @throws MalformedMessageException if an escape is not two hex digits or the bytes are not UTF-8
     */
    public static String decode(String text, boolean plusIsSpace) throws MalformedMessageException {
        return decode(text, plusIsSpace, StandardCharsets.UTF_8);
    }

    /**
     * Decodes %XX escapes as bytes of the charset (a form's charset, or one named by an RFC 5987 ext-value);
     * with {@code plusIsSpace}, also '+' as space.
     *
     * @throws MalformedMessageException if an escape is not two hex digits or the bytes are not of the charset
     */
    public static String decode(String text, boolean plusIsSpace, Charset charset) throws MalformedMessageException {
        int first = firstSpecial(text, plusIsSpace);
        if (first < 0) {
            return text;
        }
        byte[] bytes = new byte[text.length()];
        int length = 0;
        boolean ascii = true;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%') {
                if (i + 2 >= text.length()) {
                    throw new MalformedMessageException("incomplete percent-encoding in '" + Ascii.escape(text) + "'");
                }
                int high = hexValue(text.charAt(i + 1));
                int low = hexValue(text.charAt(i + 2));
                if (high < 0 || low < 0) {
                    throw new MalformedMessageException("invalid percent-encoding in '" + Ascii.escape(text) + "'");
                }
                int b = (high << 4) | low;
                ascii &= b < 0x80;
                bytes[length++] = (byte) b;
                i += 2;
            } else if (c == '+' && plusIsSpace) {
                bytes[length++] = ' ';
            } else if (c < 0x80) {
                bytes[length++] = (byte) c;
            } else {
                throw new MalformedMessageException("non-ASCII character in '" + Ascii.escape(text) + "'");
            }
        }
        if (ascii) {
            return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
        }
        try {
            CharBuffer chars = charset.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 0, length));
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw new MalformedMessageException("percent-encoded bytes are not " + charset.name() + " in '"
                    + Ascii.escape(text) + "'");
        }
    }

    /** The value of an ASCII hex digit, or -1; unlike {@link Character#digit}, no other script's digits count. */
    private static int hexValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    private static int firstSpecial(String text, boolean plusIsSpace) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%' || (c == '+' && plusIsSpace) || c >= 0x80) {
                return i;
            }
        }
        return -1;
    }

    /** Percent-encodes a path segment for use in a URI: everything but unreserved characters and sub-delims. */
    public static String encodePathSegment(String segment) {
        byte[] bytes = segment.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(bytes.length + 8);
        for (byte value : bytes) {
            int b = value & 0xff;
            if (isUnreserved(b) || "!$&'()*+,;=:@".indexOf(b) >= 0) {
                out.append((char) b);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(b >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
            }
        }
        return out.toString();
    }

    /**
     * The text of a URI as a person or a server wrote it, with the ASCII characters a URI cannot hold percent-encoded,
     * as browsers (the URL standard) and curl send them: controls, the space, {@code " < > \ ^ ` { | }}, and a
     * {@code %} that begins no escape ({@code ?z=%zz}, {@code 100%}, as OkHttp sends it: {@code %25}); an escape
     * already there stays. With {@code bytesAsChars} (a field value read as ISO-8859-1, one char a byte), every char
     * from 0x80 to 0xFF is encoded as the byte it stands for, which keeps a server's raw UTF-8 as it was; without, such
     * characters stay, for the URI to encode as UTF-8.
     */
    public static String escapeUnsafe(String text, boolean bytesAsChars) {
        StringBuilder escaped = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean unsafe = c <= ' ' || c == 0x7f || (bytesAsChars && c >= 0x80 && c <= 0xff)
                    || "\"<>\\^`{|}".indexOf(c) >= 0
                    || (c == '%' && !(isHexDigit(text, i + 1) && isHexDigit(text, i + 2)));
            if (unsafe && escaped == null) {
                escaped = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (unsafe) {
                escaped.append('%').append(Character.toUpperCase(Character.forDigit((c >> 4) & 0xf, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            } else if (escaped != null) {
                escaped.append(c);
            }
        }
        return escaped == null ? text : escaped.toString();
    }

    private static boolean isHexDigit(String text, int index) {
        return index < text.length() && Character.digit(text.charAt(index), 16) >= 0;
    }

    /** RFC 3986 §2.3: ALPHA / DIGIT / "-" / "." / "_" / "~". */
    public static boolean isUnreserved(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~';
    }
}
