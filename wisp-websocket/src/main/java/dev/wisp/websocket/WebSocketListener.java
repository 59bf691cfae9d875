package dev.wisp.websocket;

import java.io.IOException;

/**
 * Receives the events of one WebSocket connection, on the connection's reading thread, one at a time and in order.
 * Every method has an empty default; implement those you need. A callback may send on the WebSocket, and may
 * block (it runs on a virtual thread), but the connection reads nothing meanwhile.
 *
 * <p>A connection ends with exactly one of {@link #onClose} (the closing handshake happened) and
 * {@link #onError} (it did not).
 */
public interface WebSocketListener {

    /**
     * A listener that sends every message back as it came, text as text and binary as binary, from the connection's
     * reading thread: an echo endpoint, for trying a client or checking a path through proxies (as {@code wisp serve}'s
     * {@code /ws}). It keeps no state; one serves every connection.
     */
    static WebSocketListener echo() {
        return WebSocketEchoListener.INSTANCE;
    }

    /** The connection is open; messages may be sent. */
    default void onOpen(WebSocket webSocket) {
    }

    /** A whole text message arrived. An exception thrown here fails the connection with 1011. */
    default void onText(WebSocket webSocket, String text) throws IOException {
    }

    /** A whole binary message arrived. An exception thrown here fails the connection with 1011. */
    default void onBinary(WebSocket webSocket, byte[] bytes) throws IOException {
    }

    /** A ping arrived; the pong was already sent. */
    default void onPing(WebSocket webSocket, byte[] payload) {
    }

    /** A pong arrived. */
    default void onPong(WebSocket webSocket, byte[] payload) {
    }

    /**
     * The peer's close frame arrived, the closing handshake is complete and the connection closed.
     *
     * @param code the peer's code, or {@link CloseCode#NO_STATUS_RECEIVED} if its close frame had none
     */
    default void onClose(WebSocket webSocket, int code, String reason) {
    }

    /**
     * The connection ended without a closing handshake: the peer broke the protocol (a
     * {@link WebSocketProtocolException}; its close code was sent), the connection failed, a timer expired (a
     * {@link java.net.SocketTimeoutException}), or a callback threw.
     */
    default void onError(WebSocket webSocket, IOException error) {
    }
}
