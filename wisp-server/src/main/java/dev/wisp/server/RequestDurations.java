package dev.wisp.server;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How long a service's exchanges took, at one moment: a histogram of their durations, as the
 * {@code dev.wisp.server.filters.RequestTimer} filter measures them, and the exchanges under way. For a latency
 * objective ("99% of requests within 250 ms") on a dashboard, through {@link StatsHandler}, or for a test.
 *
 * @param upperBounds the buckets' upper bounds, ascending
 * @param cumulativeCounts for each bound, the exchanges that took that long or less (so never fewer than for the
 *     bound before it)
 * @param count the exchanges that ended, those longer than the largest bound included
 * @param sum their durations added up
 * @param inFlight the exchanges under way now
 */
public record RequestDurations(List<Duration> upperBounds, List<Long> cumulativeCounts, long count, Duration sum,
        long inFlight) {
    public RequestDurations {
        upperBounds = List.copyOf(upperBounds);
        cumulativeCounts = List.copyOf(cumulativeCounts);
        Objects.requireNonNull(sum, "sum");
        if (upperBounds.size() != cumulativeCounts.size()) {
            throw new IllegalArgumentException(upperBounds.size() + " bounds but " + cumulativeCounts.size()
                    + " counts");
        }
    }
}
