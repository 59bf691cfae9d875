package dev.wisp.core;

/**
 * The character rules of RFC 9110 §5 for field names (tokens) and field values, shared by every codec and by
 * {@link Headers} so that no CR, LF or NUL can be injected into a message through our API.
 */
public final class HeaderValidation {
    private static final boolean[] TCHAR = new boolean[128];
    /** {@link #isFieldValueChar} for each byte value, read as ISO-8859-1: one load per byte where a codec scans. */
    private static final boolean[] FIELD_VALUE_BYTE = new boolean[256];

    static {
        for (int c = 0; c < 256; c++) {
            FIELD_VALUE_BYTE[c] = isFieldValueChar(c);
        }
        for (char c = '0'; c <= '9'; c++) {
            TCHAR[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            TCHAR[c] = true;
            TCHAR[c - 'a' + 'A'] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TCHAR[c] = true;
        }
    }

    private HeaderValidation() {
    }

    /** RFC 9110 §5.6.2: tchar. */
    public static boolean isTokenChar(int c) {
        return c >= 0 && c < 128 && TCHAR[c];
    }

    /** RFC 9110 §5.6.2: token = 1*tchar. */
    public static boolean isToken(CharSequence text) {
        if (text.isEmpty()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (!isTokenChar(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * RFC 9110 §5.5: field-vchar (VCHAR or obs-text), SP or HTAB. Everything else, CR, LF and NUL among them,
     * is forbidden in a field value.
     */
    public static boolean isFieldValueChar(int c) {
        return (c >= 0x20 && c != 0x7f && c <= 0xff) || c == '\t';
    }

    /** Whether text is a valid field value: allowed characters and no leading or trailing whitespace. */
    public static boolean isFieldValue(CharSequence text) {
        int length = text.length();
        for (int i = 0; i < length; i++) {
            if (!isFieldValueChar(text.charAt(i))) {
                return false;
            }
        }
        return length == 0 || (!isWhitespace(text.charAt(0)) && !isWhitespace(text.charAt(length - 1)));
    }

    /**
     * The first byte in {@code [from, to)} that is no field-value character ({@link #isFieldValueChar}, the bytes
     * read as ISO-8859-1), or -1 if there is none.
     */
    public static int firstForbiddenValueByte(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!FIELD_VALUE_BYTE[bytes[i] & 0xff]) {
                return i;
            }
        }
        return -1;
    }

    /** {@link #isFieldValue(CharSequence)} for bytes read as ISO-8859-1, in {@code [from, to)}. */
    public static boolean isFieldValue(byte[] bytes, int from, int to) {
        return firstForbiddenValueByte(bytes, from, to) < 0
                && (from == to || (!isWhitespace(bytes[from]) && !isWhitespace(bytes[to - 1])));
    }

    /** RFC 9110 §5.6.3: SP or HTAB. */
    public static boolean isWhitespace(int c) {
        return c == ' ' || c == '\t';
    }

    /**
     * Checks a header name given to our API.
     *
     * @throws IllegalArgumentException if it is not a token
     */
    public static String requireName(String name) {
        if (name == null || !isToken(name)) {
            throw new IllegalArgumentException("header name is not a token: '"
                    + (name == null ? "null" : Ascii.escape(name)) + "'");
        }
        return name;
    }

    /**
     * Checks a header value given to our API.
     *
     * @throws IllegalArgumentException if it holds CR, LF, NUL or another control character, or has leading or
     *     trailing whitespace
     */
    public static String requireValue(String name, String value) {
        if (value == null || !isFieldValue(value)) {
            throw forbiddenValue(name, value == null ? "null" : Ascii.escape(value));
        }
        return value;
    }

    /** The failure of a value that {@link #isFieldValue} rejects, as the value reads escaped. */
    static IllegalArgumentException forbiddenValue(String name, String escapedValue) {
        return new IllegalArgumentException("value of header " + name + " has forbidden characters: '"
                + escapedValue + "'");
    }
}
