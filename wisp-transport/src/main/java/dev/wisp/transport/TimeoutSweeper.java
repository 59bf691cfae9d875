package dev.wisp.transport;

import java.time.Duration;
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
 * <p>{@link #run()} runs on the sweeper's own thread until {@link #close()}.
 */
public final class TimeoutSweeper implements Runnable {
    private final LongConsumer sweep;
    private final long tickMillis;
    private volatile boolean closed;
    private volatile Thread thread;

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
    }

    /** Starts the sweeper on a daemon platform thread of this name. */
    public TimeoutSweeper start(String threadName) {
        Thread.ofPlatform().name(threadName).daemon().start(this);
        return this;
    }

    @Override
    public void run() {
        thread = Thread.currentThread();
        while (!closed) {
            try {
                TimeUnit.MILLISECONDS.sleep(tickMillis);
            } catch (InterruptedException e) {
                if (closed) {
                    return;
                }
            }
            sweep.accept(System.nanoTime());
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
