package dev.wisp.client;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Whether a failed connection attempt (refused, or failed to connect; not a timeout, DNS or TLS failure) is tried
 * again, after an exponential backoff with jitter, as libwebsockets' retry policy does. Off by default
 * ({@link #none()}). The delay before retry {@code n} (1-based) is a random duration between half and all of
 * {@code min(maxDelay, initialDelay * 2^(n-1))}; every wait ends by the connect timeout or the call deadline.
 *
 * <p>Immutable.
 */
public final class RetryPolicy {
    private static final RetryPolicy NONE = new RetryPolicy(0, Duration.ZERO, Duration.ZERO);

    private final int maxRetries;
    private final Duration initialDelay;
    private final Duration maxDelay;

    private RetryPolicy(int maxRetries, Duration initialDelay, Duration maxDelay) {
        this.maxRetries = maxRetries;
        this.initialDelay = initialDelay;
        this.maxDelay = maxDelay;
    }

    /** No retries: a failed connection fails the call (the default). */
    public static RetryPolicy none() {
        return NONE;
    }

    /**
     * Up to {@code maxRetries} more attempts, the first after about {@code initialDelay}, doubling up to
     * {@code maxDelay}.
     *
     * @throws IllegalArgumentException for a negative count, a delay that is not positive, or maxDelay below
     *     initialDelay
     */
    public static RetryPolicy exponential(int maxRetries, Duration initialDelay, Duration maxDelay) {
        Objects.requireNonNull(initialDelay, "initialDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must not be negative: " + maxRetries);
        }
        if (initialDelay.isNegative() || initialDelay.isZero() || maxDelay.compareTo(initialDelay) < 0) {
            throw new IllegalArgumentException("delays must be positive with maxDelay >= initialDelay: "
                    + initialDelay + ", " + maxDelay);
        }
        return new RetryPolicy(maxRetries, initialDelay, maxDelay);
    }

    public int maxRetries() {
        return maxRetries;
    }

    public Duration initialDelay() {
        return initialDelay;
    }

    public Duration maxDelay() {
        return maxDelay;
    }

    /** The wait before retry {@code retry} (1-based), jitter included. */
    public Duration delayBefore(int retry) {
        long ceiling = initialDelay.toNanos() << Math.min(retry - 1, 30);
        long capped = ceiling <= 0 || ceiling > maxDelay.toNanos() ? maxDelay.toNanos() : ceiling;
        return Duration.ofNanos(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
    }

    @Override
    public String toString() {
        return maxRetries == 0 ? "no retries" : maxRetries + " retries from " + initialDelay + " up to " + maxDelay;
    }
}
