package dev.wisp.tls.internal;

/** Echoes input text in error messages: at most 64 characters, control and non-ASCII characters escaped. */
final class Printable {
    private static final int MAX = 64;

    private Printable() {
    }

    static String of(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length() && i < MAX; i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                out.append(String.format("\\x%02x", (int) c & 0xff));
            } else {
                out.append(c);
            }
        }
        return text.length() > MAX ? out + "..." : out.toString();
    }
}
