package dev.wisp.websocket.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * What a {@link WebSocketSession} runs over: the two byte streams of a connection switched to WebSocket by
 * HTTP/1.1 ({@link TransportChannel}), or of one HTTP/2 stream opened by an extended CONNECT (RFC 8441), which the
 * server implements in its HTTP/2 code. The session needs no more than this, so it knows neither sockets nor
 * HTTP/2 frames.
 *
 * <p>Threads: one thread reads at a time and one writes at a time, as the session orders them; {@link #abort()}
 * and {@link #writeDeadlineNanos()} may be called from any thread.
 */
public interface SessionChannel {
    /** The bytes from the peer; -1 at the end of its side (a FIN, END_STREAM). */
    InputStream input();

    /** The bytes to the peer; every write goes out before it returns. */
    OutputStream output();

    /** Every read until the next call must finish by this {@link System#nanoTime()} deadline; 0 for no deadline. */
    void readDeadline(long deadlineNanos);

    /**
     * When the write under way must be over, for the session's sweep to abort a peer that does not read; 0 when no
     * write is under way, or when the channel bounds its writes itself.
     */
    long writeDeadlineNanos();

    /** Waits at most this long for input: true if some is here or arrives in time (or the input ends). */
    boolean awaitInput(long nanos) throws IOException;

    /** Called by the reading thread before it waits for the next frame of a burst, when none is buffered. */
    void beforeWaiting() throws IOException;

    /** Ends writing after what was written (a FIN, END_STREAM); reading goes on, for the closing handshake. */
    void shutdownOutput() throws IOException;

    /**
     * Ends the channel once the session is over, on the reading thread. A connection closes either way; an HTTP/2
     * stream ends with END_STREAM after the close frame, and is reset (CANCEL) without one.
     *
     * @param closeSent whether the session's close frame went out
     */
    void close(boolean closeSent) throws IOException;

    /**
     * Ends the channel at once, from any thread, without waiting for the peer: a blocked read or write fails. For a
     * timer that expired or a send that failed.
     */
    void abort() throws IOException;

    /**
     * Whether what was written still reaches the peer when the channel is ended at once after it: an HTTP/2 stream's
     * reset follows its DATA on the connection, where a TCP connection closed with input unread is reset, and the
     * reset may destroy what was sent before it. A session that fails then need not wait for the peer's close before
     * it ends (RFC 6455 §7.1.7), and tells its application at once.
     */
    default boolean keepsWhatWasWrittenOnAbort() {
        return false;
    }
}
