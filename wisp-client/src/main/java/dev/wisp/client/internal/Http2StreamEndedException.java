package dev.wisp.client.internal;

import java.io.IOException;

/**
 * An HTTP/2 stream ended before its exchange did: the server reset it, or its connection ended. Mapped to a
 * {@link dev.wisp.client.ConnectionClosedException}; {@link #wasRefusedUnprocessed()} says whether the server
 * declared the request unprocessed (RFC 9113 §8.7), so that it can go again.
 */
final class Http2StreamEndedException extends IOException {
    private final boolean refusedUnprocessed;

    Http2StreamEndedException(String message, boolean refusedUnprocessed) {
        super(message);
        this.refusedUnprocessed = refusedUnprocessed;
    }

    boolean wasRefusedUnprocessed() {
        return refusedUnprocessed;
    }
}
