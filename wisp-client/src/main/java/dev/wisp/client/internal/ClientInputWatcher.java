package dev.wisp.client.internal;

import dev.wisp.transport.InputWatcher;
import dev.wisp.transport.LogLimit;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The input watcher of every client WebSocket in the process ({@link InputWatcher}): a WebSocket read by a listener
 * leaves the wait for its next frame here once it is idle, rather than parking its reading thread, whose stack would
 * stay on the heap for as long as the WebSocket is quiet. A fresh virtual thread reads the frame when it comes.
 *
 * <p>Started on first use, on a daemon platform thread named {@code wisp-client-watcher}, and kept for the process's
 * life, as the {@link ClientSweeper} is. A few spare threads run what wakes, and the sweeper wakes them once a second
 * (see {@link InputWatcher#nudgeSpares()}). A watcher that cannot start (no descriptor left for its selector) leaves
 * each WebSocket to wait on its own thread, and is tried again at the next wait. Thread-safe.
 */
final class ClientInputWatcher implements ClientSweeper.Sweepable {
    private static final System.Logger LOG = System.getLogger(ClientInputWatcher.class.getName());
    private static final ClientInputWatcher INSTANCE = new ClientInputWatcher();
    /** Few: a client's WebSockets wake one at a time, not by the thousand as a loaded server's connections do. */
    private static final int SPARE_THREADS = 4;
    private static final long NUDGE_NANOS = 1_000_000_000L;
    /** How many WebSockets may keep their read buffer across a short wait, in a burst of messages. */
    private static final int MAX_BUFFERS_HELD = 64;

    private volatile InputWatcher watcher;
    private final AtomicInteger buffersHeld = new AtomicInteger();
    private final LogLimit startFailureLog = LogLimit.perMinute("the client's input watcher could not start; idle"
            + " WebSockets keep their threads (logged again at most once a minute): ", "");
    /** When the spares were last woken; the sweeper's only. */
    private long nudgedAtNanos;

    private ClientInputWatcher() {
    }

    static ClientInputWatcher instance() {
        return INSTANCE;
    }

    /** The watcher, started if need be; null if it cannot start now. */
    InputWatcher watcher() {
        InputWatcher current = watcher;
        return current != null ? current : start();
    }

    private synchronized InputWatcher start() {
        if (watcher == null) {
            try {
                watcher = InputWatcher.start("wisp-client-watcher",
                        Thread.ofVirtual().name("wisp-ws-client").factory(), SPARE_THREADS);
                ClientSweeper.instance().watch(this);
            } catch (IOException | RuntimeException e) {
                startFailureLog.warn(LOG, e);
            }
        }
        return watcher;
    }

    /** Whether one more WebSocket may keep its read buffer across a wait; if so, {@link #bufferGiven()} follows. */
    boolean mayHoldBuffer() {
        if (buffersHeld.incrementAndGet() <= MAX_BUFFERS_HELD) {
            return true;
        }
        buffersHeld.decrementAndGet();
        return false;
    }

    void bufferGiven() {
        buffersHeld.decrementAndGet();
    }

    @Override
    public void sweep(long nowNanos) {
        if (nowNanos - nudgedAtNanos >= NUDGE_NANOS) {
            nudgedAtNanos = nowNanos;
            watcher.nudgeSpares();
        }
    }
}
