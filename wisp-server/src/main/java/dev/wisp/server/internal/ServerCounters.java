package dev.wisp.server.internal;

import dev.wisp.server.ResponseCounts;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a server counts while it runs, for {@code Server.stats()}: connections accepted and refused, and final
 * responses by their status's class. Each count is a {@link LongAdder}, which the connections' threads add to
 * without contending for one memory word.
 */
public final class ServerCounters {
    private final LongAdder accepted = new LongAdder();
    private final LongAdder refused = new LongAdder();
    /** By class: 1xx at 0 to 5xx at 4. */
    private final LongAdder[] responses = {new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder(),
        new LongAdder()};

    void accepted() {
        accepted.increment();
    }

    void refused() {
        refused.increment();
    }

    /** A final response's head went out (a 101 included), or was handed to the socket to go out. */
    void responded(int statusCode) {
        addToClass(statusCode, 1);
    }

    /** A response counted by {@link #responded} never went out after all. */
    void withdrawn(int statusCode) {
        addToClass(statusCode, -1);
    }

    /** Adds to the count of the status's class; a status past 599, which a handler may set, is in none. */
    private void addToClass(int statusCode, int delta) {
        int statusClass = statusCode / 100 - 1;
        if (statusClass >= 0 && statusClass < responses.length) {
            responses[statusClass].add(delta);
        }
    }

    public long acceptedConnections() {
        return accepted.sum();
    }

    public long refusedConnections() {
        return refused.sum();
    }

    public ResponseCounts responses() {
        return new ResponseCounts(responses[0].sum(), responses[1].sum(), responses[2].sum(), responses[3].sum(),
                responses[4].sum());
    }
}
