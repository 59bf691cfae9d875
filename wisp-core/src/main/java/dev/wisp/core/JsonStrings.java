package dev.wisp.core;

/**
 * JSON strings (RFC 8259 §7) for the lines and reports Wisp writes as JSON (the access log's JSON lines,
 * {@code wisp get -w '%{json}'}). Beyond the quote, the backslash and the C0 controls that JSON requires escaped, DEL,
 * the C1 controls and every surrogate are written as {@code \}{@code uXXXX} too: whatever a peer sent, the text is
 * then valid UTF-8 with no control character in it, so that a terminal showing it obeys no escape sequence, and a
 * JSON reader decodes the same characters. Stateless.
 */
public final class JsonStrings {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private JsonStrings() {
    }

    /** The value as a JSON string, quotes included. */
    public static String quote(String value) {
        return append(new StringBuilder(value.length() + 2), value).toString();
    }

    /** Appends the value as a JSON string, quotes included; {@code null} as JSON's {@code null}. */
    public static StringBuilder append(StringBuilder out, String value) {
        if (value == null) {
            return out.append("null");
        }
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || Character.isSurrogate(c)) {
                        out.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xf])
                                .append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"');
    }
}
