package dev.wisp.client;

/**
 * A response body is longer than the client holds in memory ({@code ClientConfig.maxBufferedBodyBytes}), so
 * {@link Response#bytes()} or {@link Response#text()} refused it: the connection was closed rather than read to the
 * end. Read such a body as a stream ({@link Response#body()}, {@link Response#transferTo}, {@link Response#toFile}).
 */
public final class ResponseTooLargeException extends HttpCallException {
    private final long limit;

    public ResponseTooLargeException(String message, long limit) {
        super(message, null);
        this.limit = limit;
    }

    /** The limit the body crossed, in bytes. */
    public long limit() {
        return limit;
    }
}
