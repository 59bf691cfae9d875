package dev.wisp.server.internal;

import static java.lang.System.Logger.Level.WARNING;

import java.util.concurrent.TimeUnit;

/**
 * What the server tells of a full heap. It fails whatever thread allocates next, connections included, and
 * passes as their memory is collected; one warning a minute says so, where a line per failed connection would
 * flood the log (and need memory of its own).
 */
final class OutOfMemory {
    /** Why a connection closed when memory ran out: a constant, since making a string may fail then too. */
    static final String REASON = "out of memory";

    private static final System.Logger LOG = System.getLogger(ServerConnection.class.getName());
    private static final long WARNING_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);
    /** When the last warning was logged; as if long ago at first. Racy on purpose: two warnings at once do no harm. */
    private static volatile long warnedAtNanos = System.nanoTime() - WARNING_INTERVAL_NANOS;

    private OutOfMemory() {
    }

    /** Logs the failure, if no warning was logged within the minute and there is memory to. */
    static void failed(Throwable e) {
        long now = System.nanoTime();
        if (now - warnedAtNanos < WARNING_INTERVAL_NANOS) {
            return;
        }
        warnedAtNanos = now;
        try {
            LOG.log(WARNING, "out of memory (" + e.getMessage() + "): the connections that need memory now are"
                    + " closed; logged again at most once a minute");
        } catch (RuntimeException | Error stillShort) {
            warnedAtNanos = now - WARNING_INTERVAL_NANOS; // not logged: the next failure tries
        }
    }
}
