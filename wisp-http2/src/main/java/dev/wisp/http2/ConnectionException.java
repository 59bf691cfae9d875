package dev.wisp.http2;

/**
 * An error that ends the whole connection (RFC 9113 §5.4.1): the connection sends GOAWAY with
 * {@link #errorCode()} and closes. After one, a {@link FrameReader} must not be read further.
 */
public sealed class ConnectionException extends Http2Exception permits HeaderBlockTooLargeException {
    public ConnectionException(ErrorCode errorCode, String message) {
        super(errorCode, message);
    }
}
