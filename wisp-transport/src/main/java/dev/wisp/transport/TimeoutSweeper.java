package dev.wisp.transport;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import java.lang.invoke.MethodHandles;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * Enforces the deadlines of many transports from one thread: every tick it calls the owner's sweep with the
 * current {@link System#nanoTime()}, and the owner (a server's registry, a client's pool) expires the
 * connections whose deadline has passed. The tick is a quarter of the shortest timeout, between 10 ms and 1 s, so
 * a timeout fires at most 25% late. Scanning costs a few nanoseconds per connection per tick, far less than
 * arming a timer on every read.
 *
 * <p>Each tick also wakes the reads and writes that the JDK's poller is late to wake, or will never wake because
 * it died, and does so every {@value #LATE_SCAN_MILLIS} ms as long as it finds some ({@link LateWakeups}); and
 * once a second it wakes the relays that pass platform threads' starts and wake-ups on ({@link RelayThread}), and
 * the thread of the probe that tells whether the poller is late ({@link PollerProbe}). It wakes the threads that
 * stepped aside when their resumer is late ({@link StepAside}): one the JDK never ran would keep them aside for good.
 *
 * <p>{@link #run()} runs on the sweeper's own thread until {@link #close()}.
 */
public final class TimeoutSweeper implements Runnable {
    private static final System.Logger LOG = System.getLogger(TimeoutSweeper.class.getName());

    /** How soon the sweeper scans again for late wake-ups after a scan that found one. */
    static final int LATE_SCAN_MILLIS = 10;

    private final LongConsumer sweep;
    private final long tickMillis;
    private volatile boolean closed;
    private volatile Thread thread;
    /**
     * How often the relays are woken, so that one whose pass failed tries again, and one that parked its carrier
     * frees it ({@link RelayThread}).
     */
    private final Cadence relayNudges = new Cadence(Duration.ofSeconds(1));
    /** Whether the last sweep failed; the sweeper's thread only. */
    private boolean failing;

    /**
     * @param sweep expires what is late, given the current nanoTime
     * @param timeouts the timeouts the sweep enforces; the shortest sets the tick
     */
    public TimeoutSweeper(LongConsumer sweep, Duration... timeouts) {
        this.sweep = Objects.requireNonNull(sweep, "sweep");
        if (timeouts.length == 0) {
            throw new IllegalArgumentException("timeouts must not be empty");
        }
        Duration shortest = timeouts[0];
        for (Duration timeout : timeouts) {
            if (timeout.compareTo(shortest) < 0) {
                shortest = timeout;
            }
        }
        this.tickMillis = Math.max(10, Math.min(1000, shortest.toMillis() / 4));
        initializeWhatTheLoopUses();
    }

    /**
     * Initializes, with memory to spare, the classes the loop uses: a class first initialized under a full heap is
     * unusable for good. Seen: a client that made its calls on platform threads first used the wake-up relay when
     * a scan woke a read under a full heap, and from then on no scan woke any read; its HTTP/2 connection's reading
     * thread, which the JDK's poller (dead by then) did not wake either, never read again.
     */
    private static void initializeWhatTheLoopUses() {
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        try {
            for (Class<?> used : List.of(LateWakeups.class, PollerProbe.class, CarrierLoad.class,
                    PlatformWakeups.class, RelayThread.class, StepAside.class)) {
                lookup.ensureInitialized(used);
            }
        } catch (IllegalAccessException e) {
            throw new AssertionError("classes of this package", e);
        }
    }

    /** Starts the sweeper on a daemon platform thread of this name. */
    public TimeoutSweeper start(String threadName) {
        Thread.ofPlatform().name(threadName).daemon().start(this);
        return this;
    }

    @Override
    public void run() {
        thread = Thread.currentThread();
        long nextSweep = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(tickMillis);
        boolean lateWoken = false;
        while (!closed) {
            long untilSweep = Math.max(0, nextSweep - System.nanoTime());
            long sleepNanos = lateWoken ? Math.min(untilSweep, TimeUnit.MILLISECONDS.toNanos(LATE_SCAN_MILLIS))
                    : untilSweep;
            try {
                TimeUnit.NANOSECONDS.sleep(sleepNanos);
            } catch (InterruptedException e) {
                if (closed) {
                    return;
                }
            }
            long now = System.nanoTime();
            if (now - nextSweep >= 0) {
                sweepOnce(now);
                nextSweep = now + TimeUnit.MILLISECONDS.toNanos(tickMillis);
            }
            lateWoken = wakeLateQuietly(now);
            if (relayNudges.isDue(now)) {
                nudgeQuietly(now);
            }
        }
    }

    /** Wakes the relays and the poller probe's thread, should the JDK have left one parked for good. */
    private static void nudgeQuietly(long now) {
        try {
            RelayThread.nudgeAll(now);
            PollerProbe.shared().nudge();
        } catch (RuntimeException | Error e) {
            // out of memory, say: the next second nudges again
        }
    }

    /**
     * Scans for the reads and writes the JDK's poller left waiting ({@link LateWakeups}), and wakes the threads
     * aside whose resumer is late ({@link StepAside}).
     *
     * @return whether the scan found late wake-ups
     */
    private static boolean wakeLateQuietly(long now) {
        boolean found;
        try {
            found = LateWakeups.wakeLate(now);
        } catch (RuntimeException | Error e) {
            found = false; // out of memory, say: the next tick scans again
        }
        try {
            StepAside.resumeIfLate(now);
        } catch (RuntimeException | Error e) {
            // out of memory while starting the handed-over threads; the threads aside are woken all the same
        }
        return found;
    }

    /**
     * One sweep. A sweep that fails, above all for want of memory (a full heap fails whatever thread allocates
     * next), must not end the thread: every timeout of the server or pool would be gone for good. So the failure
     * is logged, once until a sweep succeeds again, and the next tick sweeps as usual.
     */
    private void sweepOnce(long now) {
        try {
            sweep.accept(now);
            if (failing) {
                failing = false;
                LOG.log(INFO, "timeouts are enforced again");
            }
        } catch (RuntimeException | Error e) {
            if (!failing) {
                failing = true;
                logQuietly(e);
            }
        }
    }

    /** Logs the failure if there is memory to; with none, the next tick's sweep is what matters. */
    private static void logQuietly(Throwable e) {
        try {
            LOG.log(WARNING, "a timeout sweep failed; sweeping again each tick", e);
        } catch (RuntimeException | Error stillShort) {
            // nothing to do but go on
        }
    }

    public void close() {
        closed = true;
        Thread running = thread;
        if (running != null) {
            running.interrupt();
        }
    }
}
