package dev.wisp.server.internal;

import dev.wisp.server.ServerConfig;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Enforces the read deadlines of all connections from one thread: every tick it expires the connections whose
 * deadline has passed. The tick is a quarter of the shortest timeout, between 10 ms and 1 s, so a timeout fires
 * at most 25% late. Scanning costs a few nanoseconds per connection per tick, far less than arming a timer on
 * every read.
 *
 * <p>{@link #run()} runs on the sweeper's own thread until {@link #close()}.
 */
public final class TimeoutSweeper implements Runnable {
    private final ConnectionRegistry registry;
    private final long tickMillis;
    private volatile boolean closed;
    private volatile Thread thread;

    public TimeoutSweeper(ConnectionRegistry registry, ServerConfig config) {
        this.registry = registry;
        Duration shortest = config.headerTimeout();
        for (Duration timeout : new Duration[] {config.idleTimeout(), config.readTimeout(),
                config.writeTimeout(), config.lingerTimeout()}) {
            if (timeout.compareTo(shortest) < 0) {
                shortest = timeout;
            }
        }
        this.tickMillis = Math.max(10, Math.min(1000, shortest.toMillis() / 4));
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
            registry.expireLate(System.nanoTime());
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
