package dev.wisp.transport;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Whether connections keep the virtual-thread carriers busy: the end times of the last few exchanges, which busy
 * connections note through {@link BusyThreads#exchangeEnded()}. Busy means {@value #EXCHANGES} exchanges ended
 * within the last millisecond: a steady load ends dozens, a client that opens one connection after another (a new
 * TLS session for each request) one every millisecond or two.
 *
 * <p>An estimate: two exchanges ending at once may note one time over the other, which moves the answer by one
 * exchange. No lock is taken on the path of every request for it.
 */
final class CarrierLoad {
    private static final int EXCHANGES = 4;
    private static final long WINDOW_NANOS = 1_000_000;
    private static final AtomicLongArray ENDED = new AtomicLongArray(EXCHANGES);
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
        ENDED.setOpaque(Math.floorMod(NEXT.getAndIncrement(), EXCHANGES), now);
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
}
