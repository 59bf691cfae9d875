package dev.wisp.websocket.internal;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Text as the UTF-8 of a text message or a close reason. A string with a lone surrogate is not Unicode text, and
 * {@link String#getBytes} would send a {@code ?} in its place, changing the message without a word; it is refused
 * instead, as the JDK's {@code java.net.http.WebSocket} refuses it.
 */
final class Utf8Text {
    private Utf8Text() {
    }

    /**
     * @param what what the text is, for the message
     * @throws IllegalArgumentException if the text has a surrogate that is not half of a pair
     */
    static byte[] encode(String text, String what) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!Character.isSurrogate(c)) {
                continue;
            }
            boolean paired = Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1));
            if (paired) {
                i++;
                continue;
            }
            throw new IllegalArgumentException(what + " has a lone surrogate at index " + i + " (U+"
                    + Integer.toHexString(c).toUpperCase(Locale.ROOT) + "): not Unicode text");
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
