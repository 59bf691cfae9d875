package dev.wisp.transport;

import java.time.Duration;

/**
 * Says when a chore that a thread passing by often does now and then is due again: at most once a period. The
 * server's sweep trims its buffer pools so, a client's pool sweep its connector's, and the timeout sweeper wakes the
 * relays so. Asking reads no clock: the caller gives the {@link System#nanoTime()} it read.
 *
 * <p>Not thread-safe: one thread asks (the sweeper's, in each use).
 */
public final class Cadence {
    private final long periodNanos;
    private long lastNanos;

    /** A cadence whose first period starts now. */
    public Cadence(Duration period) {
        this.periodNanos = period.toNanos();
        this.lastNanos = System.nanoTime();
    }

    /**
     * Whether a period has passed since the chore was last due (or since this was made); if so, the next starts now.
     */
    public boolean isDue(long nowNanos) {
        if (nowNanos - lastNanos < periodNanos) {
            return false;
        }
        lastNanos = nowNanos;
        return true;
    }
}
