package dev.wisp.client;

import dev.wisp.core.Headers;
import dev.wisp.core.Status;

/**
 * The server answered a WebSocket upgrade request with a status other than 101 Switching Protocols: it has no
 * such endpoint, refused the origin or subprotocol, or wants another version. The response is given back whole
 * (its body cut at 64 KiB); the connection is closed.
 */
public final class WebSocketRefusedException extends HttpCallException {
    private final Status status;
    private final Headers headers;
    private final byte[] body;

    public WebSocketRefusedException(String target, Status status, Headers headers, byte[] body) {
        super("WebSocket upgrade of " + target + " refused: " + status + quoteBody(body), null);
        this.status = status;
        this.headers = headers;
        this.body = body.clone();
    }

    /** The status the server answered. */
    public Status status() {
        return status;
    }

    /** The response's header fields. */
    public Headers headers() {
        return headers;
    }

    /** The response's body, at most 64 KiB of it. */
    public byte[] body() {
        return body.clone();
    }
}
