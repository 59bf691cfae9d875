package dev.wisp.server.filters;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The rate state of every client that sent a request lately, by the generic cell rate algorithm (GCRA, as ATM
 * switches and many rate limiters keep it): one number per client, the theoretical arrival time of its next request
 * at the steady rate. A request is allowed unless it comes more than the burst's worth of intervals before that time;
 * each allowed one moves the time on by one interval. A client whose time has passed holds no credit or debt, and is
 * dropped when room is needed, so memory is bounded by {@code maxClients}.
 *
 * <p>Thread-safe: requests of one client update its time with compare-and-set.
 */
final class ArrivalTimes {
    /** Answer of {@link #take}: allowed. Any other value is the wait, in nanoseconds, before one would be. */
    static final long ALLOWED = 0;
    /** Answer of {@link #take} when the client is new and {@code maxClients} clients are tracked already. */
    static final long FULL = -1;

    private final long intervalNanos;
    private final long toleranceNanos;
    private final int maxClients;
    private final Map<Object, AtomicLong> times = new ConcurrentHashMap<>();
    /** When expired clients were last dropped. */
    private final AtomicLong sweptAt;

    /**
     * @param intervalNanos the time between two requests at the steady rate
     * @param burst how many requests beyond the steady rate may come at once
     */
    ArrivalTimes(long intervalNanos, int burst, int maxClients, long now) {
        this.intervalNanos = intervalNanos;
        this.toleranceNanos = intervalNanos * burst;
        this.maxClients = maxClients;
        this.sweptAt = new AtomicLong(now);
    }

    /**
     * Takes a request of this client at {@code now}, if its rate allows it.
     *
     * @return {@link #ALLOWED}; the nanoseconds until it would be allowed; or {@link #FULL}
     */
    long take(Object client, long now) {
        AtomicLong time = times.get(client);
        if (time == null) {
            if (times.size() >= maxClients) {
                sweep(now);
                if (times.size() >= maxClients) {
                    return FULL;
                }
            }
            time = times.computeIfAbsent(client, key -> new AtomicLong(now));
        }
        while (true) {
            long arrival = time.get();
            long earliest = arrival - toleranceNanos;
            if (now - earliest < 0) {
                return Math.max(1, earliest - now);
            }
            long next = (now - arrival > 0 ? now : arrival) + intervalNanos;
            if (time.compareAndSet(arrival, next)) {
                return ALLOWED;
            }
        }
    }

    /**
     * Drops the clients whose theoretical arrival time has passed, at most once a second: they are as new ones.
     * One being taken meanwhile may lose its request's step, which then counts as a new client's first.
     */
    private void sweep(long now) {
        long last = sweptAt.get();
        if (now - last < 1_000_000_000L || !sweptAt.compareAndSet(last, now)) {
            return;
        }
        for (Iterator<AtomicLong> it = times.values().iterator(); it.hasNext(); ) {
            if (now - it.next().get() >= 0) {
                it.remove();
            }
        }
    }

    /** How many clients are tracked now; for tests. */
    int size() {
        return times.size();
    }
}
