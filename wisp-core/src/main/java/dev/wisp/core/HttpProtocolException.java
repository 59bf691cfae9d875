package dev.wisp.core;

import java.io.IOException;
import java.util.Objects;

/**
 * A peer sent a message that breaks the protocol or crosses one of our limits. Carries the {@link Status} a server
 * answers with; its message says what was wrong, where, and which limit, and is safe to send back to the peer
 * (it echoes at most {@value Ascii#MAX_ECHO} bytes of peer input, escaped).
 */
public class HttpProtocolException extends IOException {
    private final Status status;

    public HttpProtocolException(Status status, String message) {
        super(message);
        this.status = Objects.requireNonNull(status, "status");
    }

    /** The status a server answers with. */
    public Status status() {
        return status;
    }
}
