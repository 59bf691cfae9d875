package dev.wisp.client.internal;

import static java.lang.System.Logger.Level.ERROR;

import dev.wisp.transport.TimeoutSweeper;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one thread that enforces every client deadline in the process: the connect, read, write and call timeouts
 * of connections in an exchange, and the keep-warm time of pooled idle connections. Connections are watched only
 * while an exchange or a handshake runs, so an idle process sweeps nothing but its pools. It ticks every 25 ms
 * (a quarter of 100 ms, see {@link TimeoutSweeper}): a timeout fires at most that late.
 *
 * <p>Started on first use, on a daemon thread named {@code wisp-client-sweeper}; thread-safe.
 */
public final class ClientSweeper {
    private static final System.Logger LOG = System.getLogger(ClientSweeper.class.getName());
    private static final ClientSweeper INSTANCE = new ClientSweeper();

    private final Set<Sweepable> watched = ConcurrentHashMap.newKeySet();
    private volatile boolean started;

    /** Something with deadlines to enforce. */
    public interface Sweepable {
        /** Expires whatever is late at this {@link System#nanoTime()}; must not block. */
        void sweep(long nowNanos);
    }

    private ClientSweeper() {
    }

    public static ClientSweeper instance() {
        return INSTANCE;
    }

    public void watch(Sweepable sweepable) {
        watched.add(sweepable);
        if (!started) {
            start();
        }
    }

    public void unwatch(Sweepable sweepable) {
        watched.remove(sweepable);
    }

    private synchronized void start() {
        if (!started) {
            new TimeoutSweeper(this::sweep, Duration.ofMillis(100)).start("wisp-client-sweeper");
            started = true;
        }
    }

    private void sweep(long nowNanos) {
        for (Sweepable sweepable : watched) {
            try {
                sweepable.sweep(nowNanos);
            } catch (RuntimeException e) {
                LOG.log(ERROR, "sweep of " + sweepable + " failed", e);
            }
        }
    }
}
