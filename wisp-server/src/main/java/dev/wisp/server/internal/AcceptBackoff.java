package dev.wisp.server.internal;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.INFO;

import dev.wisp.transport.LogLimit;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * What the listener does when {@code accept()} fails while the server runs: a full descriptor table (EMFILE,
 * ENFILE), no kernel buffers (ENOBUFS), a connection aborted in the queue (ECONNABORTED). Such failures pass;
 * stopping the listener for them would leave the port open with nobody accepting. So the listener pauses and
 * tries again: 5 ms after the first failure, doubling up to {@link #MAX_PAUSE_NANOS}, so a lasting shortage costs
 * a few wake-ups a second, never a spin. The queued connections wait in the kernel's backlog meanwhile.
 *
 * <p>It logs the first failure of a run at WARNING and the recovery at INFO, and the failures in between at DEBUG
 * only: a full descriptor table fails every accept, and one line per failure would flood the log. A table that
 * hovers at its limit lets an accept through whenever one descriptor is freed, so runs come and go quickly; a
 * warning is therefore logged at most once a minute ({@link LogLimit}), and a recovery only after a run
 * that was warned of.
 *
 * <p>The same holds for starting a new connection's thread, which fails when memory is short: the listener closes
 * that connection and pauses the same way, with a backoff of its own ({@link #AcceptBackoff(String, String)}).
 *
 * <p>The listener's thread calls {@link #failed}, {@link #pause} and {@link #succeeded}; {@link #stop} may be called
 * from any thread and ends a pause at once.
 */
final class AcceptBackoff {
    private static final System.Logger LOG = System.getLogger(AcceptBackoff.class.getName());
    static final long FIRST_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    static final long MAX_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final String RETRY_SUFFIX = "; retrying with a pause of up to "
            + TimeUnit.NANOSECONDS.toMillis(MAX_PAUSE_NANOS) + " ms until it succeeds (logged again at most once a"
            + " minute)";

    private volatile boolean stopped;
    /** The listener's thread while it pauses, for {@link #stop} to wake. */
    private volatile Thread pausing;
    /** What fails, for the log: "accept". */
    private final String action;
    /** What works again, for the log: "accepting". */
    private final String working;
    /** The warning of a run of failures, logged at most once a minute. */
    private final LogLimit warnings;
    /** The pause before the next accept; 0 while accepts succeed. */
    private long pauseNanos;
    /** Whether the current run of failures was logged at WARNING. */
    private boolean warned;
    /** When the current run's warning was logged, for the line that tells of the recovery. */
    private long warnedAtNanos;
    /** Failures since the last warning. */
    private long failures;

    AcceptBackoff() {
        this("accept", "accepting");
    }

    /**
     * @param action what fails, as the log names it ("accept")
     * @param working what works again after a run of failures ("accepting")
     */
    AcceptBackoff(String action, String working) {
        this.action = action;
        this.working = working;
        this.warnings = LogLimit.perMinute(action + " failed: ", RETRY_SUFFIX);
    }

    /** Records a failure and logs it if it is the first of a run, and no warning was logged lately. */
    void failed(Throwable e) {
        failures++;
        pauseNanos = pauseNanos == 0 ? FIRST_PAUSE_NANOS : Math.min(MAX_PAUSE_NANOS, pauseNanos * 2);
        long now = System.nanoTime();
        // A warning that could not go out (memory is short) gives its turn back, so the next failure tries again.
        if (!warned && warnings.warn(LOG, e)) {
            warned = true;
            warnedAtNanos = now;
            failures = 1;
        } else {
            try {
                if (LOG.isLoggable(DEBUG)) {
                    LOG.log(DEBUG, action + " failed again: " + e.getMessage());
                }
            } catch (RuntimeException | Error stillShort) {
                // a debug line lost
            }
        }
    }

    /**
     * Waits before the next accept, or less if {@link #stop()} is called meanwhile.
     *
     * @return false if the listener is stopping
     */
    boolean pause() {
        // Parks rather than a timed wait on a latch or lock: short of memory for its queue node, such a wait
        // (AbstractQueuedSynchronizer's) waits until it succeeds, whatever the timeout, and the stop would never
        // come; parking needs no memory.
        pausing = Thread.currentThread();
        try {
            long end = System.nanoTime() + pauseNanos;
            for (long left = pauseNanos; left > 0 && !stopped; left = end - System.nanoTime()) {
                LockSupport.parkNanos(this, left);
                if (Thread.currentThread().isInterrupted()) {
                    return false;
                }
            }
            return !stopped;
        } finally {
            pausing = null;
        }
    }

    /** Records a success; after a run of failures, logs that it works again. */
    void succeeded() {
        pauseNanos = 0;
        if (!warned) {
            return;
        }
        warned = false;
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - warnedAtNanos);
        LOG.log(INFO, working + " again after " + failures + " failures in " + millis + " ms");
    }

    /** Ends a pause in progress and every later one. */
    void stop() {
        stopped = true;
        Thread waiting = pausing;
        if (waiting != null) {
            LockSupport.unpark(waiting);
        }
    }
}
