package dev.wisp.websocket;

import dev.wisp.core.Headers;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.util.Optional;

/**
 * One WebSocket connection (RFC 6455), client or server side alike.
 *
 * <p><b>Sending</b> is thread-safe. Messages go out whole and one at a time: a message being sent, or a stream
 * opened with {@link #binaryStream()} or {@link #textStream()}, holds the others back until it is done. Pings,
 * pongs and the close frame may go out between the fragments of a message. A sender blocks while the peer does
 * not read (back-pressure): nothing is queued in memory.
 *
 * <p><b>Receiving</b> is either through a {@link WebSocketListener}, whose callbacks the connection's own thread
 * calls, or, for a connection without one, by calling {@link #receive()} from one thread at a time. Pings are
 * answered and the closing handshake is completed either way.
 */
public interface WebSocket extends AutoCloseable {

    /** The subprotocol the handshake agreed on, if any. */
    Optional<String> subprotocol();

    /**
     * The header fields of the answer that opened this WebSocket, as a client received them: its 101 (over HTTP/2,
     * its 200), with a cookie or a session's name the server set. Empty on a server's side, which wrote them.
     */
    default Headers handshakeHeaders() {
        return Headers.empty();
    }

    /**
     * Sends a text message in one frame.
     *
     * @throws IllegalArgumentException if the text has a lone surrogate, which UTF-8 cannot carry (sent as a
     *     {@code ?}, it would change the message unseen)
     * @throws IllegalStateException if {@link #close(int, String)} was called
     * @throws WebSocketClosedException if the peer closed the WebSocket, before or while it was sent (its code, such
     *     as {@link CloseCode#MESSAGE_TOO_BIG}, says why)
     * @throws IOException if the connection is closed or fails
     */
    void sendText(String text) throws IOException;

    /**
     * Sends a binary message in one frame.
     *
     * @throws IllegalStateException if {@link #close(int, String)} was called
     * @throws WebSocketClosedException if the peer closed the WebSocket, before or while it was sent (its code, such
     *     as {@link CloseCode#MESSAGE_TOO_BIG}, says why)
     * @throws IOException if the connection is closed or fails
     */
    void sendBinary(byte[] bytes) throws IOException;

    /**
     * Starts a binary message sent in fragments: each {@link OutputStream#flush()} or filled buffer sends one,
     * {@link OutputStream#close()} the last. Other messages wait until it is closed.
     */
    OutputStream binaryStream() throws IOException;

    /** Starts a text message sent in fragments, like {@link #binaryStream()}; characters are sent as UTF-8. */
    Writer textStream() throws IOException;

    /**
     * Sends a ping of at most 125 bytes; the peer answers with a pong.
     *
     * @throws IllegalArgumentException if the payload is longer than 125 bytes
     */
    void ping(byte[] payload) throws IOException;

    /** Sends an unsolicited pong of at most 125 bytes (a one-way heartbeat, RFC 6455 §5.5.3). */
    void pong(byte[] payload) throws IOException;

    /**
     * Starts the closing handshake: sends a close frame, then waits for the peer's, at most
     * {@code closeTimeout}, unless another thread is reading (it completes the handshake then). Idempotent.
     *
     * @param code 1000-1003, 1007-1014 or 3000-4999 ({@link CloseCode})
     * @param reason at most 123 bytes of UTF-8; may be empty
     * @throws IllegalArgumentException if the code may not be sent or the reason is too long
     */
    void close(int code, String reason) throws IOException;

    /** Closes with {@link CloseCode#NORMAL_CLOSURE} and no reason. */
    @Override
    default void close() throws IOException {
        close(CloseCode.NORMAL_CLOSURE, "");
    }

    /**
     * Blocks until the next data message arrives, answering pings meanwhile.
     *
     * @return the message, or empty once the peer's close frame has arrived and the connection is closed
     * @throws WebSocketProtocolException if the peer broke the protocol (the close frame with its code was sent)
     * @throws IOException if the connection failed or a timer expired
     * @throws IllegalStateException if the connection has a listener
     */
    Optional<WebSocketMessage> receive() throws IOException;

    /** Whether no close frame has been sent or received and the connection has not failed. */
    boolean isOpen();

    /**
     * The peer's close frame, once it has arrived: after {@link #receive()} returned empty, the code and reason the
     * peer closed with (a listener gets them in {@code onClose}). Empty while none has come, and for a connection that
     * ended without one (it failed, or only this side's close went out and timed out).
     */
    Optional<CloseStatus> peerCloseStatus();
}
