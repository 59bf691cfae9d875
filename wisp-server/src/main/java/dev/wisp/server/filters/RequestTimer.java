package dev.wisp.server.filters;

import dev.wisp.server.Filter;
import dev.wisp.server.Handler;
import dev.wisp.server.RequestDurations;
import dev.wisp.server.ServerRequest;
import dev.wisp.server.ServerResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * A {@link Filter} that times every exchange, from when it reaches the filter to the end of its response, into a
 * histogram of fixed buckets, and counts the exchanges under way: what a latency objective or a Prometheus histogram
 * ({@link dev.wisp.server.StatsHandler}) needs. Over HTTP/1.1 and HTTP/2 alike; a WebSocket's upgrade is timed until
 * its 101 is out, not for the session's life; an exchange that failed counts with the time it took to fail.
 *
 * <pre>{@code
 * RequestTimer timer = RequestTimer.create();
 * HttpService service = HttpService.builder(router).filter(timer).build();
 * ... timer.durations().cumulativeCounts() ...
 * }</pre>
 *
 * <p>Put it outermost, or just inside an {@link AccessLog}, to time what the other filters do too (a 429 of a
 * {@link RateLimit}, a 401 of {@link BasicAuth}). The cost per exchange is two clock reads and three additions to
 * {@link LongAdder}s, which the exchanges' threads make without contending for one memory word; the memory, one
 * adder per bucket, whatever the traffic. Thread-safe.
 */
public final class RequestTimer implements Filter {
    /**
     * The bounds {@link #create()} uses: Prometheus's default buckets (5 ms to 10 s) with 1 ms and 2.5 ms below them,
     * where a fast server's answers fall.
     */
    public static final List<Duration> DEFAULT_BOUNDS = List.of(Duration.ofMillis(1), Duration.ofNanos(2_500_000),
            Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
            Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10));

    private final List<Duration> bounds;
    private final long[] boundNanos;
    /** The exchanges of each bucket alone: at {@code i}, those above bound {@code i - 1} up to bound {@code i}. */
    private final LongAdder[] buckets;
    private final LongAdder sumNanos = new LongAdder();
    private final LongAdder inFlight = new LongAdder();

    private RequestTimer(List<Duration> bounds) {
        this.bounds = bounds;
        this.boundNanos = bounds.stream().mapToLong(Duration::toNanos).toArray();
        this.buckets = new LongAdder[bounds.size() + 1]; // the last: longer than every bound
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new LongAdder();
        }
    }

    /** A timer with the {@link #DEFAULT_BOUNDS}. */
    public static RequestTimer create() {
        return new RequestTimer(DEFAULT_BOUNDS);
    }

    /**
     * A timer with these buckets' upper bounds.
     *
     * @throws IllegalArgumentException if there are none, or they are not positive and strictly ascending
     */
    public static RequestTimer withBounds(List<Duration> upperBounds) {
        List<Duration> bounds = List.copyOf(upperBounds);
        if (bounds.isEmpty()) {
            throw new IllegalArgumentException("a histogram needs at least one bucket bound");
        }
        Duration previous = Duration.ZERO;
        for (Duration bound : bounds) {
            if (bound.compareTo(previous) <= 0) {
                throw new IllegalArgumentException("bucket bounds must be positive and strictly ascending: " + bounds);
            }
            previous = bound;
        }
        return new RequestTimer(bounds);
    }

    @Override
    public void filter(ServerRequest request, ServerResponse response, Handler next) throws IOException {
        inFlight.increment();
        long start = System.nanoTime();
        try {
            next.handle(request, response);
        } finally {
            record(System.nanoTime() - start);
            inFlight.decrement();
        }
    }

    void record(long nanos) {
        int bucket = 0;
        while (bucket < boundNanos.length && nanos > boundNanos[bucket]) {
            bucket++;
        }
        buckets[bucket].increment();
        sumNanos.add(nanos);
    }

    /**
     * The histogram now. Its count is the sum of its buckets as read, so that a scrape always finds the largest
     * bucket and the count agreeing; the sum is read apart, and may hold an exchange or two more or fewer.
     */
    public RequestDurations durations() {
        List<Long> cumulative = new ArrayList<>(boundNanos.length);
        long count = 0;
        for (int i = 0; i < boundNanos.length; i++) {
            count += buckets[i].sum();
            cumulative.add(count);
        }
        count += buckets[boundNanos.length].sum();
        return new RequestDurations(bounds, cumulative, count, Duration.ofNanos(sumNanos.sum()), inFlight.sum());
    }
}
