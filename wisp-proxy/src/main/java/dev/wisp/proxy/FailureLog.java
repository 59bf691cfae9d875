package dev.wisp.proxy;

import static java.lang.System.Logger.Level.WARNING;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Logs upstream failures without flooding the log while an upstream is down: the first at once, then at most one
 * line per interval, which counts those left out.
 */
final class FailureLog {
    private final System.Logger log;
    private final long intervalNanos;
    private final AtomicLong nextNanos = new AtomicLong(System.nanoTime());
    private final AtomicLong unlogged = new AtomicLong();

    FailureLog(System.Logger log, long intervalNanos) {
        this.log = log;
        this.intervalNanos = intervalNanos;
    }

    void log(Exception failure) {
        long now = System.nanoTime();
        long next = nextNanos.get();
        if (now - next < 0 || !nextNanos.compareAndSet(next, now + intervalNanos)) {
            unlogged.incrementAndGet();
            return;
        }
        long leftOut = unlogged.getAndSet(0);
        log.log(WARNING, "upstream failed: " + failure.getMessage()
                + (leftOut == 0 ? "" : " (and " + leftOut + " more since the last such line)"));
    }
}
