package dev.wisp.client.internal;

import java.io.IOException;

/**
 * A response body in a content coding that cannot be undone: its bytes are not what the coding says, or (for
 * {@code wisp get --compressed}, which undoes every coding a head names) the coding is one Wisp does not know.
 */
public final class BadContentEncodingException extends IOException {
    public BadContentEncodingException(String message) {
        super(message);
    }

    public BadContentEncodingException(String message, Throwable cause) {
        super(message, cause);
    }
}
