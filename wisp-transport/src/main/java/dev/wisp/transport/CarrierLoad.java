package dev.wisp.transport;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Whether connections keep the virtual-thread carriers busy: the end times of the last few exchanges, which busy
 * connections note through {@link BusyThreads#exchangeEnded()}. Busy means {@value #EXCHANGES} exchanges ended
 * within the last millisecond: a steady load ends dozens, a client that opens one connection after another (a new
 * TLS session for each request) one every millisecond or two. Two stronger tests tell how a connection's thread
 * should wait for its next request ({@link NextInput}): crowded means the same exchanges ended within
 * {@value #CROWDED_NANOS} ns and not all on one thread, so several connections take turns on the carrier, about
 * 16,000 exchanges a second or more, as under a saturating load; alone means they ended within
 * {@value #ALONE_NANOS} ns, all on the caller's thread, so one connection keeps a fast exchange going and nothing
 * else ran meanwhile.
 *
 * <p>An estimate: two exchanges ending at once may note one time over the other, which moves the answer by one
 * exchange. No lock is taken on the path of every request for it.
 */
final class CarrierLoad {
    private static final int EXCHANGES = 4;
    private static final long WINDOW_NANOS = 1_000_000;
    private static final long CROWDED_NANOS = 250_000;
    private static final long ALONE_NANOS = 400_000;
    private static final AtomicLongArray ENDED = new AtomicLongArray(EXCHANGES);
    /** The thread that ended each exchange of {@link #ENDED}. */
    private static final AtomicReferenceArray<Thread> ENDED_ON = new AtomicReferenceArray<>(EXCHANGES);
    private static final AtomicInteger NEXT = new AtomicInteger();

    static {
        long longAgo = System.nanoTime() - 2 * WINDOW_NANOS;
        for (int i = 0; i < EXCHANGES; i++) {
            ENDED.set(i, longAgo);
        }
    }

    private CarrierLoad() {
    }

    /** Notes that an exchange ended at this {@link System#nanoTime()}. */
    static void exchangeEnded(long now) {
        int slot = Math.floorMod(NEXT.getAndIncrement(), EXCHANGES);
        ENDED_ON.setOpaque(slot, Thread.currentThread());
        ENDED.setOpaque(slot, now);
    }

    /** Whether {@value #EXCHANGES} exchanges ended within the last millisecond. */
    static boolean isBusy() {
        long now = System.nanoTime();
        for (int i = 0; i < EXCHANGES; i++) {
            if (now - ENDED.getOpaque(i) > WINDOW_NANOS) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether {@value #EXCHANGES} exchanges ended within {@value #ALONE_NANOS} ns before this time, all on the
     * caller's thread.
     */
    static boolean isAlone(long now, Thread caller) {
        for (int i = 0; i < EXCHANGES; i++) {
            if (now - ENDED.getOpaque(i) > ALONE_NANOS || ENDED_ON.getOpaque(i) != caller) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether {@value #EXCHANGES} exchanges ended within {@value #CROWDED_NANOS} ns before this time, at least one
     * of them on a thread other than the caller.
     */
    static boolean isCrowded(long now, Thread caller) {
        if (!isCrowded(now)) {
            return false;
        }
        for (int i = 0; i < EXCHANGES; i++) {
            if (ENDED_ON.getOpaque(i) != caller) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@value #EXCHANGES} exchanges ended within {@value #CROWDED_NANOS} ns before this time, on whichever
     * threads: the carrier has had no time to run anything else, the JDK's poller included.
     */
    static boolean isCrowded(long now) {
        for (int i = 0; i < EXCHANGES; i++) {
            if (now - ENDED.getOpaque(i) > CROWDED_NANOS) {
                return false;
            }
        }
        return true;
    }
}
