package dev.wisp.client;

/**
 * The connection closed or broke before the exchange was complete: the server closed it before answering, reset
 * it, or ended it in the middle of the response body. {@link #wasRequestRetried()} says whether a stale pooled
 * connection was already retried once; a request that is not idempotent is never retried, so it may or may not
 * have reached the server.
 */
public final class ConnectionClosedException extends HttpCallException {
    private final boolean requestRetried;

    public ConnectionClosedException(String message, boolean requestRetried, Throwable cause) {
        super(message, cause);
        this.requestRetried = requestRetried;
    }

    /** Whether the request was sent a second time on a fresh connection after a stale one failed. */
    public boolean wasRequestRetried() {
        return requestRetried;
    }
}
