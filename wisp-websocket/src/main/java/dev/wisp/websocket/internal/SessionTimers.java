package dev.wisp.websocket.internal;

import dev.wisp.websocket.WebSocketConfig;

/**
 * The timers of one WebSocket session: the idle ping and its dead-peer timeout, the closing handshake's deadline,
 * and the write deadline of the transport. They hold only timestamps; the owner's sweeper asks {@link #due} on
 * every tick what is late, and the session acts on the answer.
 *
 * <p>The pong timer starts when the idle ping is written, not when the sweeper asks for it: the ping goes out from
 * a thread of its own, which a loaded machine may run late, and a peer is never taken for dead before a ping
 * reached it (nor is the connection closed under that ping's frame); a ping the peer does not take is bounded by
 * the write deadline.
 *
 * <p>Thread-safety: the reading thread records arrivals, the pinging thread the ping's write, any sending thread
 * starts the close timer, and the sweeper reads them; every field is volatile; an arrival clears the ping's state,
 * which the sweeper and the pinging thread set, and the first writer sets the close deadline.
 */
final class SessionTimers {
    /** What the sweeper must do now. */
    enum Action {
        /** Nothing is late. */
        NONE,
        /** Nothing was received for pingInterval: send an idle ping, then call {@link #pingWritten}. */
        PING,
        /** A deadline passed: close the transport; {@link #abortReason()} says which. */
        ABORT
    }

    private final WebSocketConfig config;
    private volatile long lastReceivedNanos = System.nanoTime();
    /** When the idle ping was written, or 0 when none is awaiting an answer. */
    private volatile long pingSentNanos;
    /** Whether an idle ping was asked for and awaits an arrival (its answer, or any frame). */
    private volatile boolean pingPending;
    /** When the closing handshake must be over, or 0 while none is under way. */
    private volatile long closeDeadlineNanos;
    /** Why the sweeper closed the transport, reported instead of the read's exception. */
    private volatile String abortReason;

    SessionTimers(WebSocketConfig config) {
        this.config = config;
    }

    /** A frame arrived: the connection is alive, and any idle ping is answered. */
    void received(long nowNanos) {
        lastReceivedNanos = nowNanos;
        pingPending = false;
        pingSentNanos = 0;
    }

    /** The idle ping asked for by {@link Action#PING} is written: its answer is due within pongTimeout from now. */
    void pingWritten(long nowNanos) {
        if (pingPending) {
            pingSentNanos = nowNanos;
        }
    }

    /** Starts the close timer unless it runs already; returns its deadline. */
    long startClosing(long nowNanos) {
        if (closeDeadlineNanos == 0) {
            closeDeadlineNanos = nowNanos + config.closeTimeout().toNanos();
        }
        return closeDeadlineNanos;
    }

    /** Restarts the close timer from now: the application's close waits a whole closeTimeout for the peer. */
    long restartClosing(long nowNanos) {
        closeDeadlineNanos = nowNanos + config.closeTimeout().toNanos();
        return closeDeadlineNanos;
    }

    /** Why the session was aborted by a timer, or null if it was not. */
    String abortReason() {
        return abortReason;
    }

    /**
     * Decides what is late at this time. Never blocks.
     *
     * @param writeDeadlineNanos the transport's write deadline, 0 when no write is under way
     * @param closeSent whether our close frame went out (no idle ping follows it)
     */
    Action due(long nowNanos, long writeDeadlineNanos, boolean closeSent) {
        long closeDeadline = closeDeadlineNanos;
        if (closeDeadline != 0 && nowNanos - closeDeadline >= 0) {
            return abort("closing handshake not completed within " + config.closeTimeout().toMillis()
                    + " ms (closeTimeout)");
        }
        if (writeDeadlineNanos != 0 && nowNanos - writeDeadlineNanos >= 0) {
            return abort("the peer did not take a write in time");
        }
        long interval = config.pingInterval().toNanos();
        if (interval == 0 || closeSent) {
            return Action.NONE;
        }
        long pingSent = pingSentNanos;
        if (pingSent != 0) {
            if (nowNanos - pingSent >= config.pongTimeout().toNanos()) {
                return abort("no answer to a ping within " + config.pongTimeout().toMillis() + " ms (pongTimeout)");
            }
        } else if (!pingPending && nowNanos - lastReceivedNanos >= interval) {
            pingPending = true;
            return Action.PING;
        }
        return Action.NONE;
    }

    private Action abort(String reason) {
        abortReason = reason;
        return Action.ABORT;
    }
}
