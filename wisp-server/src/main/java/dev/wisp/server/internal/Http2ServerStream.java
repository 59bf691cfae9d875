package dev.wisp.server.internal;

import dev.wisp.core.MalformedMessageException;
import dev.wisp.http2.ConnectionException;
import dev.wisp.http2.ErrorCode;
import dev.wisp.http2.Http2Exception;
import dev.wisp.http2.Http2Stream;
import dev.wisp.http2.StreamException;
import dev.wisp.http2.TrailerFields;
import dev.wisp.http2.hpack.HpackField;
import dev.wisp.websocket.CloseCode;
import dev.wisp.websocket.internal.WebSocketSession;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One stream of an HTTP/2 server connection (RFC 9113 §5.1): a request arriving and its response going out. The
 * connection's reading thread hands it the request's DATA and trailers; the handler's thread reads them through
 * {@link Http2RequestBody} and answers through {@link Http2ServerResponse}. The DATA it holds unread is bounded by
 * its receive window, which comes back to the client as the handler reads. A stream whose handler is done while
 * its request goes on lingers: what still arrives is dropped until the request ends or a deadline passes.
 *
 * <p>A stream opened by an extended CONNECT carries a WebSocket instead ({@link Http2WebSocketStream}): its DATA
 * are the WebSocket's frames, and the stream passes the server's sweeps and stop on to the session.
 *
 * <p>Thread-safe.
 */
final class Http2ServerStream extends Http2Stream {
    /** Until when a stream whose response is complete waits for the rest of its request; 0 if it does not. */
    private volatile long lingerUntilNanos;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** The WebSocket this stream carries after an extended CONNECT (RFC 8441), or null. */
    private volatile WebSocketSession webSocket;
    /** What runs once the client resets the stream or the connection ends; null for nothing. Changed under this. */
    private volatile Runnable whenClientLeft;
    /** The thread that runs the stream's handler, while it runs; null before and after. */
    private volatile Thread handlerThread;
    /** When the request's content began to come (the stream opened), or 0 if the request ended with its head. */
    private final long bodySinceNanos;
    /** Whether its request body was ended for coming too slowly ({@link #endSlowBody}). */
    private volatile boolean slowBodyEnded;

    /**
     * @param declaredLength the request's Content-Length, or -1
     * @param receiveWindowSize our SETTINGS_INITIAL_WINDOW_SIZE
     * @param sendWindowSize the peer's
     * @param openedNanos when the stream opened ({@link System#nanoTime()})
     */
    Http2ServerStream(int id, long declaredLength, int receiveWindowSize, int sendWindowSize, boolean remoteEnded,
            long openedNanos) {
        super(id, declaredLength, receiveWindowSize, sendWindowSize, remoteEnded);
        this.bodySinceNanos = remoteEnded ? 0 : openedNanos | 1;
    }

    /**
     * Since when the stream's handler has waited for a request body that comes slower than {@link SlowClients} allows,
     * or 0 if it does not: for a server out of room, which ends such reads ({@link #endSlowBody}: 408). A WebSocket's
     * stream waits for messages as long as its application likes.
     */
    long slowBodySinceNanos(long nowNanos) {
        if (bodySinceNanos == 0 || webSocket != null) {
            return 0;
        }
        long received = receivedWhileReadWaits();
        return received < 0 ? 0 : SlowClients.slowBodySince(bodySinceNanos, received, nowNanos);
    }

    /**
     * Runs the action, on a thread of its own, once the client resets the stream or the connection ends; at once if
     * either happened already. For {@code ServerRequest.onClientLeft}, while the exchange is in flight.
     */
    void onClientLeft(Runnable action) {
        synchronized (this) {
            if (!isReset()) {
                whenClientLeft = ClientLeftActions.then(whenClientLeft, action);
                return;
            }
        }
        ClientLeftActions.start(action);
    }

    /** Forgets what {@link #onClientLeft} registered: the exchange has ended. */
    void exchangeEnded() {
        if (whenClientLeft != null) {
            whenClientLeft = null;
        }
    }

    @Override
    protected void resetOrEnded() {
        if (whenClientLeft == null) {
            return;
        }
        Runnable actions;
        synchronized (this) {
            actions = whenClientLeft;
            whenClientLeft = null;
        }
        ClientLeftActions.start(actions);
    }

    /**
     * What a read or write of a reset stream throws. One the server reset for a rule its request broke
     * (PROTOCOL_ERROR: content that differs from its Content-Length, malformed trailers) is a malformed request, 400
     * for the filters and the access log, though only the reset could go out; they said 200, a response never sent.
     */
    @Override
    protected IOException resetException(ErrorCode code, boolean byPeer) {
        if (!byPeer && code.equals(ErrorCode.PROTOCOL_ERROR)) {
            return new MalformedMessageException("HTTP/2 stream " + id() + " was reset by the server: the request"
                    + " broke a rule of RFC 9113 (" + code + ")");
        }
        return new Http2StreamResetException(id(), code, byPeer);
    }

    @Override
    protected IOException readTimeoutException() {
        return new RequestBodyTimeoutException();
    }

    /**
     * Takes a header block that came after the request head: trailers, which must end the request (RFC 9113 §8.1).
     *
     * @throws ConnectionException STREAM_CLOSED for a block on a stream closed both ways
     * @throws StreamException STREAM_CLOSED after the client ended the request, PROTOCOL_ERROR without END_STREAM
     *     or for fields trailers may not carry
     */
    void receiveTrailerBlock(boolean endStream, List<HpackField> fields) throws Http2Exception {
        int id = id();
        if (isRemoteEnded()) {
            if (isLocalEnded()) {
                throw new ConnectionException(ErrorCode.STREAM_CLOSED, "HEADERS on stream " + id + ", which is closed");
            }
            throw new StreamException(ErrorCode.STREAM_CLOSED, id, "HEADERS on stream " + id
                    + " after the client ended it");
        }
        if (!endStream) {
            throw new StreamException(ErrorCode.PROTOCOL_ERROR, id, "trailers on stream " + id
                    + " without END_STREAM (RFC 9113 §8.1)");
        }
        receiveTrailers(TrailerFields.decode(fields, id));
    }

    /** Whether the whole request was read: it ended and nothing is left unread. */
    boolean isRequestFinished() {
        return isInboundFinished();
    }

    /**
     * Since when the stream's response has waited for the client's flow-control credit, over 5 s without 64 KiB of it
     * going out ({@link SlowClients}: a slow read), or 0 if it does not.
     */
    long slowWriteSinceNanos(long nowNanos) {
        return SlowClients.slowWriteSince(windowWaitingSinceNanos(), nowNanos);
    }

    /**
     * Ends the handler's wait for a request body that comes too slowly ({@link #slowBodySinceNanos}), as its read
     * timeout would: a 408, and the rest of the request is not waited for.
     */
    void endSlowBody() {
        slowBodyEnded = true;
        endWaitingRead();
    }

    boolean isSlowBodyEnded() {
        return slowBodyEnded;
    }

    /**
     * Marks a stream whose handler is done while its request goes on: what still arrives is dropped until the
     * request ends or the deadline passes.
     *
     * @return the bytes that were buffered unread and are dropped now
     */
    int lingerUntil(long deadlineNanos) {
        lingerUntilNanos = deadlineNanos;
        return discardFromNowOn();
    }

    boolean isLingering() {
        return lingerUntilNanos != 0;
    }

    /** Whether the stream lingers past its deadline; true once, for the caller that will end it. */
    boolean lingerExpired(long nowNanos) {
        long deadline = lingerUntilNanos;
        return deadline != 0 && nowNanos - deadline > 0 && !closed.get();
    }

    /** Whether the stream carries a WebSocket (RFC 8441) and has not ended. */
    boolean carriesWebSocket() {
        return webSocket != null && !closed.get();
    }

    /** Makes the stream carry a WebSocket session from now on; on the exchange's thread. */
    void carry(WebSocketSession session) {
        webSocket = session;
    }

    /** Checks the timers of the WebSocket this stream carries, if any; on the sweeper's thread, never blocking. */
    void sweep(long nowNanos) {
        WebSocketSession session = webSocket;
        if (session != null) {
            session.sweep(nowNanos);
        }
    }

    /** Records the thread that runs the stream's handler now (null: none does any more). */
    void handlerThread(Thread thread) {
        handlerThread = thread;
    }

    /** Interrupts the stream's handler, if it runs: the connection was aborted. */
    void interruptHandler() {
        Thread thread = handlerThread;
        if (thread != null) {
            thread.interrupt();
        }
    }

    /**
     * The server stops: the WebSocket this stream carries, if any, starts its closing handshake with 1001 (going
     * away), on a thread of its own since sending may wait for the client's window.
     */
    void serverStopping() {
        WebSocketSession session = webSocket;
        if (session != null) {
            Thread.ofVirtual().name("wisp-ws-going-away").start(
                    () -> session.goAway(CloseCode.GOING_AWAY, "server stopping"));
        }
    }

    /** Marks the stream closed for good; true for the one caller that closed it. */
    boolean close() {
        return closed.compareAndSet(false, true);
    }
}
