package dev.wisp.client;

/**
 * The connection closed or broke before the exchange was complete: the server closed it before answering, reset
 * it, or ended it in the middle of the response body. {@link #wasRequestRetried()} says whether a stale pooled
 * connection was already retried once; a request that is not idempotent is never retried, so it may or may not
 * have reached the server.
 */
public final class ConnectionClosedException extends HttpCallException {
    private final boolean requestRetried;
    private final boolean emptyReply;

    public ConnectionClosedException(String message, boolean requestRetried, Throwable cause) {
        this(message, requestRetried, false, cause);
    }

    /** @param emptyReply see {@link #isEmptyReply()} */
    public ConnectionClosedException(String message, boolean requestRetried, boolean emptyReply, Throwable cause) {
        super(message, cause);
        this.requestRetried = requestRetried;
        this.emptyReply = emptyReply;
    }

    /**
     * Whether the server ended the connection after the request without a byte of response (curl's "Empty reply
     * from server"), rather than partway through one or with a reset.
     */
    public boolean isEmptyReply() {
        return emptyReply;
    }

    /** Whether the request was sent a second time on a fresh connection after a stale one failed. */
    public boolean wasRequestRetried() {
        return requestRetried;
    }
}
