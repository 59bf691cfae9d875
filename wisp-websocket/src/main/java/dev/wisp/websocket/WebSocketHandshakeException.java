package dev.wisp.websocket;

import java.io.IOException;

/**
 * An opening handshake that cannot complete: an upgrade request a server refuses, or a response a client cannot
 * accept (a status other than 101, a wrong {@code Sec-WebSocket-Accept}, an extension or subprotocol it did not
 * offer). The message says which header was wrong and how.
 */
public final class WebSocketHandshakeException extends IOException {
    public WebSocketHandshakeException(String message) {
        super(message);
    }
}
