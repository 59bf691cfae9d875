package dev.wisp.server.sse;

import static java.lang.System.Logger.Level.WARNING;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends the heartbeats of every open event stream in the process from one thread that looks at them in turn, so
 * that a quiet stream costs no thread of its own; it runs while some stream is open. A heartbeat that is due is
 * written by a short-lived virtual thread of its own, since a write can block for as long as the client takes to
 * read (up to the server's write timeout), which must hold up no other stream's.
 *
 * <p>The ticking thread is a platform thread: a virtual thread's timed park needs a timer that a full heap can keep
 * from being made, and JDK 25 then never schedules the thread again (seen in {@code EventStreamMemoryExhaustionIT}:
 * no heartbeat ever after). If it cannot start (no thread left to start), streams go without heartbeats until the
 * next stream that opens tries again.
 */
final class Heartbeats {
    static final Heartbeats SHARED = new Heartbeats();

    private static final long MAX_TICK_NANOS = Duration.ofSeconds(1).toNanos();
    private static final long MIN_TICK_NANOS = Duration.ofMillis(10).toNanos();
    private static final long FAILURE_LOG_NANOS = Duration.ofMinutes(1).toNanos();
    private static final System.Logger LOG = System.getLogger(Heartbeats.class.getName());

    private final Set<EventStream> streams = ConcurrentHashMap.newKeySet();
    /** The ticking thread, null while none runs; guarded by this object. */
    private Thread ticker;
    /** When a failure was last logged; guarded by this object. */
    private long lastFailureLogNanos;

    private Heartbeats() {
    }

    void add(EventStream stream) {
        streams.add(stream);
        Thread running;
        synchronized (this) {
            if (ticker == null) {
                try {
                    ticker = Thread.ofPlatform().name("wisp-sse-heartbeats").daemon().start(this::tick);
                } catch (RuntimeException | Error e) {
                    failed(e);
                    return;
                }
            }
            running = ticker;
        }
        // A stream whose interval is shorter than the ticker's current pause is looked at in time.
        LockSupport.unpark(running);
    }

    void remove(EventStream stream) {
        streams.remove(stream);
    }

    private void tick() {
        while (true) {
            long pause = MAX_TICK_NANOS;
            try {
                pause = beatWhereDue();
            } catch (RuntimeException | Error e) {
                // A full heap (a heartbeat's thread that could not start, say) must not end the ticking for good:
                // it goes on, and the streams it missed get their heartbeat at a later turn.
                failed(e);
            }
            synchronized (this) {
                if (streams.isEmpty()) {
                    ticker = null;
                    return;
                }
            }
            LockSupport.parkNanos(pause);
        }
    }

    /** Starts the heartbeats that are due; returns how long to pause before the next look. */
    private long beatWhereDue() {
        long now = System.nanoTime();
        long pause = MAX_TICK_NANOS;
        for (EventStream stream : streams) {
            long interval = stream.heartbeatIntervalNanos();
            pause = Math.min(pause, Math.max(MIN_TICK_NANOS, interval / 4));
            if (now - stream.lastWriteNanos() >= interval) {
                stream.startHeartbeat();
            }
        }
        return pause;
    }

    /** Logs a failed turn, or a ticker that could not start, once a minute at most. */
    private synchronized void failed(Throwable e) {
        long now = System.nanoTime();
        if (lastFailureLogNanos == 0 || now - lastFailureLogNanos > FAILURE_LOG_NANOS) {
            lastFailureLogNanos = now;
            try {
                LOG.log(WARNING, "sending heartbeats failed; trying again: " + e);
            } catch (RuntimeException | Error logFailed) {
                // Nothing left to tell it with; the next turn tries again all the same.
            }
        }
    }
}
