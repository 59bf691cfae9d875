package dev.wisp.http2;

import java.io.IOException;
import java.util.Objects;

/**
 * A peer broke RFC 9113, or crossed one of our limits. A {@link ConnectionException} ends the connection with a
 * GOAWAY carrying {@link #errorCode()} (§5.4.1); a {@link StreamException} ends one stream with an RST_STREAM
 * (§5.4.2) and the connection goes on. The message says what was wrong and where, and for a limit which one.
 */
public abstract sealed class Http2Exception extends IOException permits ConnectionException, StreamException {
    private final ErrorCode errorCode;

    Http2Exception(ErrorCode errorCode, String message) {
        super(message);
        this.errorCode = Objects.requireNonNull(errorCode, "errorCode");
    }

    /** The code to send to the peer in the GOAWAY or RST_STREAM frame. */
    public ErrorCode errorCode() {
        return errorCode;
    }
}
