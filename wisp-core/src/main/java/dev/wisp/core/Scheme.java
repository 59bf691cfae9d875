package dev.wisp.core;

/**
 * The scheme of a URI (RFC 3986 §3.1): {@code ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )}, ASCII only, as an
 * absolute-form request target, an HTTP/2 {@code :scheme} and a browser's {@code Origin} begin with it.
 */
public final class Scheme {
    private Scheme() {
    }

    /** Whether the text is a scheme as above; the empty text is not one. */
    public static boolean isValid(String scheme) {
        if (scheme.isEmpty() || !isAsciiLetter(scheme.charAt(0))) {
            return false;
        }
        for (int i = 1; i < scheme.length(); i++) {
            char c = scheme.charAt(i);
            if (!(isAsciiLetter(c) || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.')) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
}
