package dev.wisp.server.sse;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How an {@link EventStream} behaves. Every option and its default:
 *
 * <table>
 * <caption>Options</caption>
 * <tr><th>option</th><th>default</th><th>what it does</th></tr>
 * <tr><td>{@code heartbeatInterval}</td><td>15 s</td><td>a comment line is sent when nothing was sent for this long,
 * so that proxies and the client's read timeout do not end a quiet stream, and a client that left is found (each
 * heartbeat first asks {@code ServerRequest.hasClientLeft()}); {@link Duration#ZERO} sends none</td></tr>
 * <tr><td>{@code maxQueuedEvents}</td><td>256</td><td>events {@link EventStream#offer} may queue for a client;
 * one more ends the stream of a client that does not keep up, rather than hold memory without end</td></tr>
 * <tr><td>{@code retry}</td><td>none</td><td>sent first, as the {@code retry} field: how long the client waits
 * before it connects again</td></tr>
 * </table>
 *
 * <p>Immutable and thread-safe; build one with {@link #builder()}.
 */
public final class EventStreamConfig {
    private static final EventStreamConfig DEFAULTS = builder().build();

    private final Duration heartbeatInterval;
    private final int maxQueuedEvents;
    private final Duration retry;

    private EventStreamConfig(Builder builder) {
        this.heartbeatInterval = builder.heartbeatInterval;
        this.maxQueuedEvents = builder.maxQueuedEvents;
        this.retry = builder.retry;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static EventStreamConfig defaults() {
        return DEFAULTS;
    }

    public Builder toBuilder() {
        return new Builder().heartbeatInterval(heartbeatInterval).maxQueuedEvents(maxQueuedEvents).retry(retry);
    }

    /** How long a stream may stay silent before a heartbeat comment; zero for none. */
    public Duration heartbeatInterval() {
        return heartbeatInterval;
    }

    public int maxQueuedEvents() {
        return maxQueuedEvents;
    }

    /** The reconnection time sent first, if any. */
    public Optional<Duration> retry() {
        return Optional.ofNullable(retry);
    }

    /** Builds an {@link EventStreamConfig}; not thread-safe. */
    public static final class Builder {
        private Duration heartbeatInterval = Duration.ofSeconds(15);
        private int maxQueuedEvents = 256;
        private Duration retry;

        private Builder() {
        }

        public Builder heartbeatInterval(Duration interval) {
            this.heartbeatInterval = Objects.requireNonNull(interval, "heartbeatInterval");
            return this;
        }

        public Builder maxQueuedEvents(int count) {
            this.maxQueuedEvents = count;
            return this;
        }

        /** The reconnection time to send first; null sends none. */
        public Builder retry(Duration retry) {
            this.retry = retry;
            return this;
        }

        /** @throws IllegalArgumentException naming the option that is out of range */
        public EventStreamConfig build() {
            if (heartbeatInterval.isNegative()) {
                throw new IllegalArgumentException("heartbeatInterval must not be negative: " + heartbeatInterval);
            }
            if (maxQueuedEvents < 1) {
                throw new IllegalArgumentException("maxQueuedEvents must be positive: " + maxQueuedEvents);
            }
            if (retry != null && retry.isNegative()) {
                throw new IllegalArgumentException("retry must not be negative: " + retry);
            }
            return new EventStreamConfig(this);
        }
    }
}
