package dev.wisp.core;

/** The boundary of a multipart body (RFC 2046 §5.1.1), which writers choose and readers check. Stateless. */
public final class MultipartBoundary {
    private MultipartBoundary() {
    }

    /**
     * Whether the text is a boundary: 1 to 70 characters of bchars (digits, letters, {@code '()+_,-./:=?} and
     * space), not ending with a space.
     */
    public static boolean isValid(String boundary) {
        if (boundary.isEmpty() || boundary.length() > 70 || boundary.endsWith(" ")) {
            return false;
        }
        for (int i = 0; i < boundary.length(); i++) {
            char c = boundary.charAt(i);
            boolean bchar = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                    || "'()+_,-./:=? ".indexOf(c) >= 0;
            if (!bchar) {
                return false;
            }
        }
        return true;
    }
}
