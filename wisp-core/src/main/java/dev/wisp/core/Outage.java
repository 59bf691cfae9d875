package dev.wisp.core;

/**
 * A trouble that lasts (a full disk, a full descriptor table, a missing folder), told once as it starts and once as
 * it ends, however many requests meet it meanwhile: a line per request would flood the log. The caller logs what it
 * knows of the trouble when {@link #starts} says so, and that it is over when {@link #ends} does.
 *
 * <p>A trouble that comes and goes (descriptors freed by one connection and taken by the next, a disk that a client
 * fills and frees with each request) is told at most once a {@linkplain #QUIET_NANOS minute}: a start within a minute
 * of the last one told is not told, nor is its end, so that the log shows a start and an end a minute at most (before,
 * one client that flipped it at its own pace drove the log at that pace, two lines a flip).
 *
 * <p>Thread-safe: of the threads that meet it at once, one tells each.
 */
public final class Outage {
    /** The least time between two starts told. */
    static final long QUIET_NANOS = 60_000_000_000L;

    /** Whether the trouble is on; written under {@code this}, read without it where there is none (success). */
    private volatile boolean ongoing;
    /** When the last start told was, by {@link System#nanoTime()}; guarded by {@code this}. */
    private long lastToldNanos;
    /** Whether a start was told yet; guarded by {@code this}. */
    private boolean everTold;
    /** Whether the ongoing trouble's start was told, so that its end is; guarded by {@code this}. */
    private boolean currentTold;

    /** Meets the trouble: true if it starts now, and this caller tells it. */
    public synchronized boolean starts() {
        if (ongoing) {
            return false;
        }
        ongoing = true;
        long now = System.nanoTime();
        currentTold = !everTold || now - lastToldNanos >= QUIET_NANOS;
        if (currentTold) {
            everTold = true;
            lastToldNanos = now;
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
