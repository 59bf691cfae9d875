package dev.wisp.core;

/**
 * A trouble that lasts (a full disk, a full descriptor table, a missing folder), told once as it starts and once as
 * it ends, however many requests meet it meanwhile: a line per request would flood the log. The caller logs what it
 * knows of the trouble when {@link #starts} says so, and that it is over when {@link #ends} does.
 *
 * <p>A trouble that comes and goes (descriptors freed by one connection and taken by the next, a disk that a client
 * fills and frees with each request) is told at most {@link #TOLD_PER_MINUTE} times a minute: past that, a start is not
 * told, nor is its end, until the minute is over (before, one client that flipped it drove the log at its own pace,
 * two lines a flip).
 *
 * <p>Thread-safe: of the threads that meet it at once, one tells each.
 */
public final class Outage {
    /** How many starts are told at most in a minute. */
    static final int TOLD_PER_MINUTE = 3;
    private static final long MINUTE_NANOS = 60_000_000_000L;

    /** Whether the trouble is on; written under {@code this}, read without it where there is none (success). */
    private volatile boolean ongoing;
    /** When the minute of the starts counted in {@link #toldThisMinute} began; guarded by {@code this}. */
    private long minuteStartNanos;
    /** How many starts were told since {@link #minuteStartNanos}; guarded by {@code this}. */
    private int toldThisMinute;
    /** Whether the ongoing trouble's start was told, so that its end is; guarded by {@code this}. */
    private boolean currentTold;

    /** Meets the trouble: true if it starts now, and this caller tells it. */
    public synchronized boolean starts() {
        if (ongoing) {
            return false;
        }
        ongoing = true;
        long now = System.nanoTime();
        if (toldThisMinute == 0 || now - minuteStartNanos >= MINUTE_NANOS) {
            minuteStartNanos = now;
            toldThisMinute = 0;
        }
        currentTold = toldThisMinute < TOLD_PER_MINUTE;
        if (currentTold) {
            toldThisMinute++;
        }
        return currentTold;
    }

    /** Meets success: true if the trouble ends now, and this caller tells it; a read alone while there is none. */
    public boolean ends() {
        if (!ongoing) {
            return false;
        }
        synchronized (this) {
            if (!ongoing) {
                return false;
            }
            ongoing = false;
            return currentTold;
        }
    }
}
