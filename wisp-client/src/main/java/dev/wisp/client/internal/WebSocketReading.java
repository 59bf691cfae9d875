package dev.wisp.client.internal;

import dev.wisp.websocket.WebSocketListener;
import dev.wisp.websocket.internal.IdleHandOff;
import dev.wisp.websocket.internal.WebSocketSession;
import java.io.IOException;

/**
 * A client WebSocket's reading thread, which calls its listener, and what the sweeper tells the listener when that
 * thread could not: without it the application would take the WebSocket for open for good, and a reconnecting one
 * would never reconnect. Two cases, both of a full heap:
 * <ul>
 *   <li>an {@link Error} ended the thread when there was no memory left to tell the listener (a full heap fails
 *       whatever allocates next, the listener's {@code onError} too): it is kept (made with the session, so keeping
 *       it takes no memory) and told once memory is back;</li>
 *   <li>the thread never runs again: JDK 25 can leave a virtual thread that is woken as the heap fills runnable and
 *       never scheduled, whatever wakes it (seen: a reading thread runnable in its park with both carriers idle). Its
 *       connection ends by the idle pings' pong timeout, or by a close of the application's; a thread still not
 *       ended {@value #LOST_AFTER_MILLIS} ms after that, which a close wakes at once otherwise, counts as lost.</li>
 * </ul>
 * The owner keeps the session swept while {@link #isUnfinished()}. Sweeper methods are called by the sweeper's
 * thread only.
 */
final class WebSocketReading {
    static final long LOST_AFTER_MILLIS = 5_000;
    private static final long LOST_AFTER_NANOS = LOST_AFTER_MILLIS * 1_000_000;

    private final WebSocketSession session;
    private volatile boolean running;
    private volatile Error untold;
    private volatile boolean lost;
    private volatile boolean telling;
    /** When the sweeper first saw the connection closed while the thread still ran, or 0; the sweeper's only. */
    private long closedSeenAtNanos;

    WebSocketReading(WebSocketSession session) {
        this.session = session;
    }

    /**
     * Starts the session's reading loop on a virtual thread of its own, if it has a listener (a WebSocket read with
     * {@code receive()} has no reading thread).
     *
     * @param handOff where an idle wait for a frame may go, or null to wait on the reading thread
     */
    void start(WebSocketListener listener, long connectionId, IdleHandOff handOff) {
        if (listener == null) {
            return;
        }
        running = true;
        Thread.ofVirtual().name("wisp-ws-k" + connectionId).start(() -> read(handOff));
    }

    /**
     * Runs the session's reading loop until the connection ends or the hand-off takes its wait for a frame, whose
     * task calls this again on a fresh thread once the wait is over. The reading counts as running meanwhile: a
     * wait that no thread comes back to is a lost thread, as a read that never returns is.
     */
    void read(IdleHandOff handOff) {
        boolean handedOff = false;
        try {
            handedOff = session.run(handOff) == null;
        } catch (Error e) {
            untold = e;
        } finally {
            if (!handedOff) {
                running = false; // untouched once handed off: the thread that goes on may have ended already
            }
        }
    }

    /** Whether the reading thread still runs, or the listener has yet to hear of the end. */
    boolean isUnfinished() {
        return running || untold != null || lost || telling;
    }

    /** For the sweeper, once the connection is closed: counts a reading thread that does not end as lost. */
    void connectionClosed(long nowNanos) {
        if (!running || lost) {
            return;
        }
        if (closedSeenAtNanos == 0) {
            closedSeenAtNanos = nowNanos | 1;
        } else if (nowNanos - closedSeenAtNanos > LOST_AFTER_NANOS) {
            running = false;
            lost = true;
        }
    }

    /**
     * Tells the listener of an error or a lost thread, if one waits, on a thread of its own (the listener is the
     * application's code). For the sweeper, so never blocking: without memory for the thread or the telling, the
     * next sweep tries again.
     */
    void tellIfUntold() {
        Error failure = untold;
        boolean threadLost = lost;
        if (failure == null && !threadLost || telling) {
            return;
        }
        telling = true;
        untold = null;
        lost = false;
        try {
            Thread.ofVirtual().name("wisp-ws-failed").start(() -> {
                try {
                    if (failure != null) {
                        session.tellFailure(failure);
                    } else {
                        session.tellFailure(new IOException("websocket failed: its reading thread did not run again"
                                + " once the connection closed (a virtual thread the JDK lost under a full heap?)"));
                    }
                } catch (Error stillShort) {
                    untold = failure;
                    lost = threadLost;
                } finally {
                    telling = false;
                }
            });
        } catch (RuntimeException | Error stillShort) {
            untold = failure;
            lost = threadLost;
            telling = false;
        }
    }
}
