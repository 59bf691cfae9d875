package dev.wisp.client;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When a WebSocket opened with {@link Client#reconnectingWebSocket} connects again after its connection ended
 * without the application closing it, as libwebsockets' retry policy does: after {@code initialDelay}, then each
 * delay {@code multiplier} times the last, at most {@code maxDelay}, each moved by a random part of up to
 * {@code jitter} either way so that many clients dropped at once do not return at once; {@code maxAttempts} failed
 * attempts in a row give up (0: never). A connection that opens resets the count.
 *
 * <p>Immutable and thread-safe; make one with {@link #builder()}.
 */
public final class ReconnectPolicy {
    private final Duration initialDelay;
    private final Duration maxDelay;
    private final double multiplier;
    private final double jitter;
    private final int maxAttempts;

    private ReconnectPolicy(Builder builder) {
        this.initialDelay = builder.initialDelay;
        this.maxDelay = builder.maxDelay;
        this.multiplier = builder.multiplier;
        this.jitter = builder.jitter;
        this.maxAttempts = builder.maxAttempts;
    }

    /** A builder with the defaults: 500 ms, doubling up to 30 s, jitter 0.2, attempts without end. */
    public static Builder builder() {
        return new Builder();
    }

    public static ReconnectPolicy defaults() {
        return builder().build();
    }

    public Duration initialDelay() {
        return initialDelay;
    }

    public Duration maxDelay() {
        return maxDelay;
    }

    public double multiplier() {
        return multiplier;
    }

    public double jitter() {
        return jitter;
    }

    /** Failed attempts in a row after which reconnecting stops; 0 for never. */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** The wait before attempt number {@code attempt} (1 for the first after a drop), jitter included. */
    public Duration delay(int attempt) {
        return delay(attempt, initialDelay);
    }

    /**
     * The wait before attempt number {@code attempt} from another initial delay: an event stream's own reconnection
     * time ({@code retry}), which replaces the policy's as browsers let it; growth, bound and jitter are the policy's.
     */
    Duration delay(int attempt, Duration initialDelay) {
        double nanos = initialDelay.toNanos() * Math.pow(multiplier, Math.max(0, attempt - 1));
        nanos = Math.min(nanos, maxDelay.toNanos());
        nanos *= 1 + jitter * (2 * ThreadLocalRandom.current().nextDouble() - 1);
        return Duration.ofNanos((long) Math.max(0, nanos));
    }

    /** Builds a {@link ReconnectPolicy}; not thread-safe. */
    public static final class Builder {
        private Duration initialDelay = Duration.ofMillis(500);
        private Duration maxDelay = Duration.ofSeconds(30);
        private double multiplier = 2;
        private double jitter = 0.2;
        private int maxAttempts;

        private Builder() {
        }

        public Builder initialDelay(Duration initialDelay) {
            this.initialDelay = Objects.requireNonNull(initialDelay, "initialDelay");
            return this;
        }

        public Builder maxDelay(Duration maxDelay) {
            this.maxDelay = Objects.requireNonNull(maxDelay, "maxDelay");
            return this;
        }

        public Builder multiplier(double multiplier) {
            this.multiplier = multiplier;
            return this;
        }

        public Builder jitter(double jitter) {
            this.jitter = jitter;
            return this;
        }

        public Builder maxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
            return this;
        }

        /** @throws IllegalArgumentException naming the option that is out of range */
        public ReconnectPolicy build() {
            if (initialDelay.isNegative() || maxDelay.compareTo(initialDelay) < 0) {
                throw new IllegalArgumentException("initialDelay must be between 0 and maxDelay: " + initialDelay
                        + ", " + maxDelay);
            }
            if (!(multiplier >= 1)) {
                throw new IllegalArgumentException("multiplier must be at least 1: " + multiplier);
            }
            if (!(jitter >= 0 && jitter < 1)) {
                throw new IllegalArgumentException("jitter must be in [0, 1): " + jitter);
            }
            if (maxAttempts < 0) {
                throw new IllegalArgumentException("maxAttempts must not be negative: " + maxAttempts);
            }
            return new ReconnectPolicy(this);
        }
    }
}
