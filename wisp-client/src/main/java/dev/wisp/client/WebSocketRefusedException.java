package dev.wisp.client;

import dev.wisp.core.Headers;
import dev.wisp.core.Status;
import dev.wisp.core.Version;

/**
 * The server answered a WebSocket upgrade request with a status other than 101 Switching Protocols: it has no
 * such endpoint, refused the origin or subprotocol, or wants another version. The response is given back whole
 * (its body cut at {@link #MAX_BODY_BYTES}); the connection is closed.
 */
public final class WebSocketRefusedException extends HttpCallException {
    /** The most of a refusal's body that is read: one that long may have been cut. */
    public static final int MAX_BODY_BYTES = 64 * 1024;
    private final Version version;
    private final Status status;
    private final Headers headers;
    private final byte[] body;

    public WebSocketRefusedException(String target, Version version, Status status, Headers headers, byte[] body) {
        super("WebSocket upgrade of " + target + " refused: " + status + quoteBody(body), null);
        this.version = version;
        this.status = status;
        this.headers = headers;
        this.body = body.clone();
    }

    /** The protocol the answer came over: HTTP/1.1, or HTTP/2 for an extended CONNECT. */
    public Version version() {
        return version;
    }

    /** The status the server answered. */
    public Status status() {
        return status;
    }

    /** The response's header fields. */
    public Headers headers() {
        return headers;
    }

    /** The response's body, at most {@link #MAX_BODY_BYTES} of it. */
    public byte[] body() {
        return body.clone();
    }
}
