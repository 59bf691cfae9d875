package dev.wisp.client;

/**
 * The client was closed before the call had a connection or an HTTP/2 stream: the request was not sent. Calls already
 * on the wire when {@link Client#close()} was called are not failed by it; they run to their end.
 */
public final class ClientClosedException extends HttpCallException {
    public ClientClosedException(String message) {
        super(message, null);
    }
}
