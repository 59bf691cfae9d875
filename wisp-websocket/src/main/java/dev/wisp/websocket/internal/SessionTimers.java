package dev.wisp.websocket.internal;

import dev.wisp.websocket.WebSocketConfig;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The timers of one WebSocket session: the idle ping and its dead-peer timeout, the closing handshake's deadline,
 * and the write deadline of the transport. They hold only timestamps; the owner's sweeper asks {@link #due} on
 * every tick what is late, and the session acts on the answer.
 *
 * <p>The pong timer starts when the idle ping is written, not when the sweeper asks for it: the ping goes out from
 * a thread of its own, which a loaded machine may run late, and a peer is never taken for dead before a ping
 * reached it (nor is the connection closed under that ping's frame); a ping the peer does not take is bounded by
 * the write deadline. A ping that no thread writes at all, because the JVM is short of threads, memory or a carrier
 * (a handler that never parks holds it), is bounded too: {@link #UNWRITTEN_PING_GRACE_NANOS} past its pongTimeout
 * from its first ask, the session is aborted as one that no thread serves, as the server closes its other such
 * connections.
 *
 * <p>Thread-safety: the reading thread records arrivals, the pinging thread the ping's write, any sending thread
 * starts the close timer, and the sweeper reads them; every field is volatile. The ping's state is one field: the
 * sweeper asks for a ping, the pinging thread stamps its write only if no arrival cleared it meanwhile (a
 * compare-and-set, since the answer may come before the writing thread returns), and the first writer sets the
 * close deadline.
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

    /**
     * How much longer than pongTimeout an idle ping may stay unwritten after it was first asked for: far past any
     * thread a loaded machine runs late, and as long as the server gives a connection's lost thread.
     */
    static final long UNWRITTEN_PING_GRACE_NANOS = 5_000_000_000L;
    /** {@link #ping} when no idle ping awaits an answer. */
    private static final long NO_PING = 0;
    /** {@link #ping} when an idle ping was asked for and is not written yet. */
    private static final long PING_ASKED = Long.MIN_VALUE;
    private static final VarHandle PING;

    static {
        try {
            PING = MethodHandles.lookup().findVarHandle(SessionTimers.class, "ping", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final WebSocketConfig config;
    private volatile long lastReceivedNanos = System.nanoTime();
    /** {@link #NO_PING}, {@link #PING_ASKED}, or when the idle ping awaiting an answer was written. */
    private volatile long ping;
    /** When the idle ping not yet answered was first asked for (asked again if its write failed); 0 for none. */
    private volatile long pingFirstAskedNanos;
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
        pingFirstAskedNanos = 0; // before the ping's state, which the sweeper reads first
        ping = NO_PING;
    }

    /**
     * The idle ping asked for by {@link Action#PING} is written: its answer is due within pongTimeout from now,
     * unless a frame arrived since it was asked for.
     */
    void pingWritten(long nowNanos) {
        long written = nowNanos == NO_PING || nowNanos == PING_ASKED ? nowNanos + 1 : nowNanos;
        PING.compareAndSet(this, PING_ASKED, written);
    }

    /** The idle ping asked for was not written (its thread did not start, or the write failed): none is due. */
    void pingNotWritten() {
        PING.compareAndSet(this, PING_ASKED, NO_PING);
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
        long pingWritten = ping;
        long pongTimeout = config.pongTimeout().toNanos();
        if (pingWritten == NO_PING || pingWritten == PING_ASKED) {
            long firstAsked = pingFirstAskedNanos;
            // A frame since the ask (the stamp may be a moment old) shows a live peer and a thread that read it.
            if (firstAsked != 0 && lastReceivedNanos - firstAsked < 0
                    && nowNanos - firstAsked >= pongTimeout + UNWRITTEN_PING_GRACE_NANOS) {
                return abort("no thread wrote the idle ping within " + config.pongTimeout().toMillis()
                        + " ms (pongTimeout) and 5 s of its ask (the JVM short of threads, memory or a carrier)");
            }
            if (pingWritten == NO_PING && nowNanos - lastReceivedNanos >= interval) {
                if (firstAsked == 0) {
                    pingFirstAskedNanos = nowNanos == 0 ? 1 : nowNanos; // never 0
                }
                if (PING.compareAndSet(this, NO_PING, PING_ASKED)) {
                    return Action.PING;
                }
            }
        } else if (nowNanos - pingWritten >= pongTimeout) {
            return abort("no answer to a ping within " + config.pongTimeout().toMillis() + " ms (pongTimeout)");
        }
        return Action.NONE;
    }

    private Action abort(String reason) {
        abortReason = reason;
        return Action.ABORT;
    }
}
