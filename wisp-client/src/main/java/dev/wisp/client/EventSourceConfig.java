package dev.wisp.client;

import java.util.Objects;

/**
 * How an {@link EventSource} reads and reconnects. Every option and its default:
 *
 * <table>
 * <caption>Options</caption>
 * <tr><th>option</th><th>default</th><th>what it does</th></tr>
 * <tr><td>{@code reconnectPolicy}</td><td>{@link ReconnectPolicy#defaults()}: 500 ms doubling to 30 s, without
 * end</td><td>the wait before connecting again after a stream ended or failed; a {@code retry} field the stream
 * sends replaces its initial delay, as browsers do, and failures in a row still back off from there</td></tr>
 * <tr><td>{@code maxEventBytes}</td><td>1 MiB</td><td>the longest line, and the most one event's fields may hold
 * together; a longer one fails {@code next()} with a {@link dev.wisp.core.MessageTooLargeException} and ends the
 * source (asking again would get the same event)</td></tr>
 * </table>
 *
 * <p>The client's {@code readTimeout} applies to each read: a stream quiet for longer is taken for dead and
 * connected again. A server that sends heartbeats more often (Wisp's do every 15 s) keeps it open.
 *
 * <p>Immutable and thread-safe; build one with {@link #builder()}.
 */
public final class EventSourceConfig {
    private static final EventSourceConfig DEFAULTS = builder().build();

    private final ReconnectPolicy reconnectPolicy;
    private final int maxEventBytes;

    private EventSourceConfig(Builder builder) {
        this.reconnectPolicy = builder.reconnectPolicy;
        this.maxEventBytes = builder.maxEventBytes;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static EventSourceConfig defaults() {
        return DEFAULTS;
    }

    public Builder toBuilder() {
        return new Builder().reconnectPolicy(reconnectPolicy).maxEventBytes(maxEventBytes);
    }

    public ReconnectPolicy reconnectPolicy() {
        return reconnectPolicy;
    }

    public int maxEventBytes() {
        return maxEventBytes;
    }

    /** Builds an {@link EventSourceConfig}; not thread-safe. */
    public static final class Builder {
        private ReconnectPolicy reconnectPolicy = ReconnectPolicy.defaults();
        private int maxEventBytes = 1024 * 1024;

        private Builder() {
        }

        public Builder reconnectPolicy(ReconnectPolicy policy) {
            this.reconnectPolicy = Objects.requireNonNull(policy, "reconnectPolicy");
            return this;
        }

        public Builder maxEventBytes(int bytes) {
            this.maxEventBytes = bytes;
            return this;
        }

        /** @throws IllegalArgumentException naming the option that is out of range */
        public EventSourceConfig build() {
            if (maxEventBytes < 1) {
                throw new IllegalArgumentException("maxEventBytes must be positive: " + maxEventBytes);
            }
            return new EventSourceConfig(this);
        }
    }
}
