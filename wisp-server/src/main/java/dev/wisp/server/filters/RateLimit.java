package dev.wisp.server.filters;

import static java.lang.System.Logger.Level.WARNING;

import dev.wisp.core.HeaderNames;
import dev.wisp.core.Status;
import dev.wisp.server.ClientAddress;
import dev.wisp.server.Filter;
import dev.wisp.server.Handler;
import dev.wisp.server.ServerRequest;
import dev.wisp.server.ServerResponse;
import dev.wisp.transport.CountingLogLimit;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * A {@link Filter} that limits how fast each client may send requests, as nginx's {@code limit_req} does: a steady
 * rate ({@code requests} per {@code period}) with a {@code burst} of requests beyond it allowed at once, each client
 * on its own. A request over its client's rate is answered here, never reaching the routes: 429 Too Many Requests
 * with {@code Retry-After}, the seconds until one would be allowed. Every exchange counts, each request of a
 * keep-alive connection and each HTTP/2 stream alike (a WebSocket's upgrade once, its messages not).
 *
 * <pre>{@code
 * Filter limit = RateLimit.builder(10, Duration.ofSeconds(1))   // 10 requests a second, steady
 *         .burst(20)                                            // and 20 more at once
 *         .build();
 * }</pre>
 *
 * <p>A client is, by default, the {@link ClientAddress} of the connection's peer (an IPv4 address, an IPv6 /64),
 * which clients behind one NAT or proxy share; {@code key(request -> ...)} keys by something else (an API key's
 * header, say; a null key is not limited). The state is one number per client (the generic cell rate algorithm), kept
 * for at most {@code maxClients} clients (10,000 by default, about 100 bytes each): a client whose rate has
 * recovered is dropped when room is needed, and a new client that finds no room is answered 429 too, as nginx's full
 * zone answers 503, rather than let a flood of addresses take unbounded memory. Refusals are logged at WARNING once
 * a minute at most, with their count.
 *
 * <p>Immutable and thread-safe; build one with {@link #builder(int, Duration)}.
 */
public final class RateLimit implements Filter {
    private static final System.Logger LOG = System.getLogger(RateLimit.class.getName());

    private final Function<ServerRequest, Object> key;
    private final LongSupplier clock;
    private final ArrivalTimes times;
    private final String description;
    private final CountingLogLimit logLimit = new CountingLogLimit();

    private RateLimit(Builder builder) {
        this.key = builder.key;
        this.clock = builder.clock;
        long interval = Math.max(1, builder.period.toNanos() / builder.requests);
        this.times = new ArrivalTimes(interval, builder.burst, builder.maxClients, clock.getAsLong());
        this.description = builder.requests + " requests per " + builder.period + " with a burst of " + builder.burst;
    }

    /** A limit of {@code requests} per {@code period} for each client, without a burst until one is set. */
    public static Builder builder(int requests, Duration period) {
        return new Builder(requests, period);
    }

    @Override
    public void filter(ServerRequest request, ServerResponse response, Handler next) throws IOException {
        Object client = key.apply(request);
        if (client == null) {
            next.handle(request, response);
            return;
        }
        long now = clock.getAsLong();
        long wait = times.take(client, now);
        if (wait == ArrivalTimes.ALLOWED) {
            next.handle(request, response);
            return;
        }
        refuse(request, response, client, wait, now);
    }

    private void refuse(ServerRequest request, ServerResponse response, Object client, long wait, long now)
            throws IOException {
        long count = logLimit.count(now);
        if (count > 0) {
            LOG.log(WARNING, "answered " + count + " request" + (count == 1 ? "" : "s") + " with 429 for " + description
                    + (wait == ArrivalTimes.FULL ? "; the last from a new client while every place was taken ("
                    + times.size() + " clients)" : "; the last from " + describe(client))
                    + " (logged again at most once a minute)");
        }
        // At least a second: Retry-After counts whole seconds, and 0 would invite the same request at once.
        long seconds = wait == ArrivalTimes.FULL ? 1 : Math.max(1, (wait + 999_999_999L) / 1_000_000_000L);
        response.status(Status.TOO_MANY_REQUESTS)
                .setHeader(HeaderNames.RETRY_AFTER, Long.toString(seconds))
                .send("too many requests\n");
    }

    private static String describe(Object client) {
        return client instanceof InetAddress address ? ClientAddress.describe(address) : "a client";
    }

    /** The client of a request by default: its connection's peer, as {@link ClientAddress} groups addresses. */
    private static Object clientAddress(ServerRequest request) {
        return ClientAddress.of(request.connection().remoteAddress().getAddress());
    }

    /** Builds a {@link RateLimit}; not thread-safe. */
    public static final class Builder {
        private final int requests;
        private final Duration period;
        private int burst;
        private int maxClients = 10_000;
        private Function<ServerRequest, Object> key = RateLimit::clientAddress;
        private LongSupplier clock = System::nanoTime;

        private Builder(int requests, Duration period) {
            this.requests = requests;
            this.period = Objects.requireNonNull(period, "period");
        }

        /** How many requests beyond the steady rate a client may send at once; 0 by default. */
        public Builder burst(int burst) {
            this.burst = burst;
            return this;
        }

        /** The most clients whose rate is kept at once; a new one beyond them is answered 429. */
        public Builder maxClients(int maxClients) {
            this.maxClients = maxClients;
            return this;
        }

        /**
         * What a request's client is, instead of its connection's {@link ClientAddress}: compared with
         * {@code equals}, so a string or a record will do; a request whose key is null is not limited.
         */
        public Builder key(Function<ServerRequest, ?> key) {
            Objects.requireNonNull(key, "key");
            this.key = key::apply;
            return this;
        }

        /** The clock, in nanoseconds as {@link System#nanoTime()} counts them; for tests. */
        Builder clock(LongSupplier clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** @throws IllegalArgumentException naming the option that is out of range */
        public RateLimit build() {
            if (requests < 1) {
                throw new IllegalArgumentException("requests must be positive: " + requests);
            }
            if (period.isNegative() || period.isZero()) {
                throw new IllegalArgumentException("period must be positive: " + period);
            }
            if (burst < 0) {
                throw new IllegalArgumentException("burst must not be negative: " + burst);
            }
            if (maxClients < 1) {
                throw new IllegalArgumentException("maxClients must be positive: " + maxClients);
            }
            return new RateLimit(this);
        }
    }
}
