package dev.wisp.client;

/**
 * Every connection the pool may open for the origin is busy and {@code maxQueuedRequests} calls already wait for
 * one: the call was refused at once rather than queued.
 */
public final class RequestQueueFullException extends HttpCallException {
    public RequestQueueFullException(String message) {
        super(message, null);
    }
}
