package dev.wisp.core;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A trouble that lasts (a full disk, a full descriptor table, a missing folder), told once as it starts and once as
 * it ends, however many requests meet it meanwhile: a line per request would flood the log. The caller logs what it
 * knows of the trouble when {@link #starts} says so, and that it is over when {@link #ends} does. Thread-safe: of the
 * threads that meet it at once, one tells each.
 */
public final class Outage {
    private final AtomicBoolean ongoing = new AtomicBoolean();

    /** Meets the trouble: true if it starts now, and this caller tells it. */
    public boolean starts() {
        return ongoing.compareAndSet(false, true);
    }

    /** Meets success: true if the trouble ends now, and this caller tells it; a read alone while there is none. */
    public boolean ends() {
        return ongoing.get() && ongoing.compareAndSet(true, false);
    }
}
