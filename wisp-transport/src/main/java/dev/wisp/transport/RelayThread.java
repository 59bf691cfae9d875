package dev.wisp.transport;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;

/**
 * A virtual thread that runs a pass whenever it is unparked, for ever: the relays of {@link PlatformStarts} and
 * {@link PlatformWakeups}. Once a relay stops, what it relays waits for busy threads, and on an idle server for
 * ever; so it outlives any failure of a pass (mostly for want of memory), trying again when next unparked, by new
 * work or by {@link #nudgeAll} (the {@link TimeoutSweeper}, once a second), and a relay that the JDK lost is
 * replaced. Why that can happen: under a full heap, JDK 25 can leave a virtual thread that parks never scheduled
 * again, whatever unparks it (seen: a relay in a park that never ended, both carriers idle, no new connection
 * served once memory was back); and one that cannot save its stack as it parks parks its carrier with it until
 * unparked, which the nudges end.
 *
 * <p>Thread-safety: all methods may be called from any thread; a pass may run on two threads at once (an old
 * relay that comes back after its replacement started, before it ends), as passes run on busy threads too.
 */
final class RelayThread {
    private static final List<RelayThread> RELAYS = new CopyOnWriteArrayList<>();
    /** How long a relay that is nudged every second may go without a pass before it counts as lost. */
    private static final long LOST_AFTER_NANOS = 5_000_000_000L;

    private final String name;
    private final Runnable pass;
    /** The relay's thread; a replacement takes its place, and the thread it replaced ends if it ever runs. */
    private volatile Thread thread;
    /** When the last pass began ({@link System#nanoTime()}). */
    private volatile long lastPassNanos;

    private RelayThread(String name, Runnable pass) {
        this.name = name;
        this.pass = pass;
    }

    /** Starts the relay: a pass at once, then one each time it is unparked. */
    static RelayThread start(String name, Runnable pass) {
        RelayThread relay = new RelayThread(name, pass);
        relay.startThread(System.nanoTime());
        RELAYS.add(relay);
        return relay;
    }

    /** Wakes the relay for a pass. */
    void unpark() {
        LockSupport.unpark(thread);
    }

    /**
     * Wakes every relay for a pass, and replaces one that has made none for {@link #LOST_AFTER_NANOS} although
     * woken every second. Never throws: memory may be short.
     */
    static void nudgeAll(long nowNanos) {
        try {
            for (RelayThread relay : RELAYS) {
                if (nowNanos - relay.lastPassNanos > LOST_AFTER_NANOS) {
                    relay.startThread(nowNanos);
                } else {
                    relay.unpark();
                }
            }
        } catch (RuntimeException | Error e) {
            // memory is short: the next nudge tries again
        }
    }

    private void startThread(long nowNanos) {
        Thread fresh = Thread.ofVirtual().name(name).unstarted(this::run);
        lastPassNanos = nowNanos; // the new thread's first pass is due now; it gets the time it takes to start
        thread = fresh;
        fresh.start();
    }

    private void run() {
        Thread self = Thread.currentThread();
        while (thread == self) {
            lastPassNanos = System.nanoTime();
            try {
                pass.run();
            } catch (RuntimeException | Error e) {
                // for want of memory, mostly: the next unpark tries again
            }
            LockSupport.park();
        }
    }
}
