package dev.wisp.server.internal;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * What the listener does when {@code accept()} fails while the server runs: a full descriptor table (EMFILE,
 * ENFILE), no kernel buffers (ENOBUFS), a connection aborted in the queue (ECONNABORTED). Such failures pass;
 * stopping the listener for them would leave the port open with nobody accepting. So the listener pauses and
 * tries again: 5 ms after the first failure, doubling up to {@link #MAX_PAUSE_NANOS}, so a lasting shortage costs
 * a few wake-ups a second, never a spin. The queued connections wait in the kernel's backlog meanwhile.
 *
 * <p>It logs the first failure of a run at WARNING and the recovery at INFO, and the failures in between at DEBUG
 * only: a full descriptor table fails every accept, and one line per failure would flood the log.
 *
 * <p>The listener's thread calls {@link #failed}, {@link #pause} and {@link #succeeded}; {@link #stop} may be called
 * from any thread and ends a pause at once.
 */
final class AcceptBackoff {
    private static final System.Logger LOG = System.getLogger(AcceptBackoff.class.getName());
    static final long FIRST_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    static final long MAX_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    private final CountDownLatch stopped = new CountDownLatch(1);
    private long pauseNanos;
    private long failures;
    private long firstFailureNanos;

    /** Records a failed accept and logs it if it is the first of a run. */
    void failed(IOException e) {
        failures++;
        if (failures == 1) {
            firstFailureNanos = System.nanoTime();
            pauseNanos = FIRST_PAUSE_NANOS;
            LOG.log(WARNING, "accept failed: " + e.getMessage() + "; retrying with a pause of up to "
                    + TimeUnit.NANOSECONDS.toMillis(MAX_PAUSE_NANOS) + " ms until it succeeds (not logged again)");
        } else {
            pauseNanos = Math.min(MAX_PAUSE_NANOS, pauseNanos * 2);
            LOG.log(DEBUG, () -> "accept failed again: " + e.getMessage());
        }
    }

    /**
     * Waits before the next accept, or less if {@link #stop()} is called meanwhile.
     *
     * @return false if the listener is stopping
     */
    boolean pause() {
        try {
            return !stopped.await(pauseNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Records a successful accept; after a run of failures, logs that accepting works again. */
    void succeeded() {
        if (failures == 0) {
            return;
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - firstFailureNanos);
        LOG.log(INFO, "accepting again after " + failures + " failed accepts in " + millis + " ms");
        failures = 0;
    }

    /** Ends a pause in progress and every later one. */
    void stop() {
        stopped.countDown();
    }
}
