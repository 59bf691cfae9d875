package dev.wisp.websocket;

import dev.wisp.core.HeaderValidation;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * The settings of WebSocket connections, on either side: limits, the closing and keep-alive timers,
 * permessage-deflate, subprotocols, and (for a server) the origins it accepts. Immutable and thread-safe; make one
 * with {@link #builder()}, derive a variant with {@link #toBuilder()}.
 *
 * <table>
 *   <caption>Limits and timers</caption>
 *   <tr><th>option</th><th>default</th><th>when crossed</th></tr>
 *   <tr><td>{@code maxFrameBytes}</td><td>1 MiB</td><td>a longer frame: close 1009, before its payload is
 *       read</td></tr>
 *   <tr><td>{@code maxMessageBytes}</td><td>1 MiB</td><td>a longer message, counted after decompression while
 *       inflating: close 1009</td></tr>
 *   <tr><td>{@code closeTimeout}</td><td>5 s</td><td>the peer does not answer our close frame, or does not close
 *       the connection after the handshake: the connection is closed</td></tr>
 *   <tr><td>{@code pingInterval}</td><td>0 (off)</td><td>nothing received for this long: a ping is sent</td></tr>
 *   <tr><td>{@code pongTimeout}</td><td>10 s</td><td>no frame received within this time after an idle ping was
 *       written (not when it was due: a ping late to go out does not count against the peer): the peer is taken
 *       for dead and the connection closed (1006)</td></tr>
 * </table>
 */
public final class WebSocketConfig {
    private final int maxFrameBytes;
    private final int maxMessageBytes;
    private final Duration closeTimeout;
    private final Duration pingInterval;
    private final Duration pongTimeout;
    private final boolean permessageDeflate;
    private final boolean serverNoContextTakeover;
    private final boolean clientNoContextTakeover;
    private final List<String> subprotocols;
    private final List<String> allowedOrigins;

    private WebSocketConfig(Builder builder) {
        this.maxFrameBytes = builder.maxFrameBytes;
        this.maxMessageBytes = builder.maxMessageBytes;
        this.closeTimeout = builder.closeTimeout;
        this.pingInterval = builder.pingInterval;
        this.pongTimeout = builder.pongTimeout;
        this.permessageDeflate = builder.permessageDeflate;
        this.serverNoContextTakeover = builder.serverNoContextTakeover;
        this.clientNoContextTakeover = builder.clientNoContextTakeover;
        this.subprotocols = builder.subprotocols;
        this.allowedOrigins = builder.allowedOrigins;
    }

    /** A builder with every default. */
    public static Builder builder() {
        return new Builder();
    }

    /** The defaults. */
    public static WebSocketConfig defaults() {
        return builder().build();
    }

    /** A builder holding this configuration's settings. */
    public Builder toBuilder() {
        Builder builder = new Builder();
        builder.maxFrameBytes = maxFrameBytes;
        builder.maxMessageBytes = maxMessageBytes;
        builder.closeTimeout = closeTimeout;
        builder.pingInterval = pingInterval;
        builder.pongTimeout = pongTimeout;
        builder.permessageDeflate = permessageDeflate;
        builder.serverNoContextTakeover = serverNoContextTakeover;
        builder.clientNoContextTakeover = clientNoContextTakeover;
        builder.subprotocols = subprotocols;
        builder.allowedOrigins = allowedOrigins;
        return builder;
    }

    public int maxFrameBytes() {
        return maxFrameBytes;
    }

    public int maxMessageBytes() {
        return maxMessageBytes;
    }

    public Duration closeTimeout() {
        return closeTimeout;
    }

    /** How long the connection may be silent before an idle ping; {@link Duration#ZERO} for never. */
    public Duration pingInterval() {
        return pingInterval;
    }

    public Duration pongTimeout() {
        return pongTimeout;
    }

    /** Whether permessage-deflate (RFC 7692) is offered (client) or accepted (server). */
    public boolean permessageDeflate() {
        return permessageDeflate;
    }

    /** Whether the server compresses each message on its own (less memory between messages, less compression). */
    public boolean serverNoContextTakeover() {
        return serverNoContextTakeover;
    }

    /** Whether the client compresses each message on its own. */
    public boolean clientNoContextTakeover() {
        return clientNoContextTakeover;
    }

    /** The subprotocols, in order of preference: offered by a client, chosen from by a server. */
    public List<String> subprotocols() {
        return subprotocols;
    }

    /**
     * The origins a server accepts in an upgrade request's {@code Origin} header besides its own, as serialized
     * origins ({@code https://example.com:8443}), compared ignoring case; {@code *} for any origin. Empty (the
     * default): only the server's own pages, whose origin's host and port are the request's {@code Host} (or
     * {@code :authority}), as gorilla/websocket and Spring decide by default; any other is a 403. A browser opens a
     * WebSocket to any origin, with the cookies and credentials it holds for it, and leaves this check to the server. A
     * request without {@code Origin} does not come from a browser's script and is accepted either way.
     */
    public List<String> allowedOrigins() {
        return allowedOrigins;
    }

    /** Builds a {@link WebSocketConfig}; every setter is named after its option. Not thread-safe. */
    public static final class Builder {
        private int maxFrameBytes = 1024 * 1024;
        private int maxMessageBytes = 1024 * 1024;
        private Duration closeTimeout = Duration.ofSeconds(5);
        private Duration pingInterval = Duration.ZERO;
        private Duration pongTimeout = Duration.ofSeconds(10);
        private boolean permessageDeflate;
        private boolean serverNoContextTakeover;
        private boolean clientNoContextTakeover;
        private List<String> subprotocols = List.of();
        private List<String> allowedOrigins = List.of();

        private Builder() {
        }

        public Builder maxFrameBytes(int maxFrameBytes) {
            this.maxFrameBytes = maxFrameBytes;
            return this;
        }

        public Builder maxMessageBytes(int maxMessageBytes) {
            this.maxMessageBytes = maxMessageBytes;
            return this;
        }

        public Builder closeTimeout(Duration closeTimeout) {
            this.closeTimeout = Objects.requireNonNull(closeTimeout, "closeTimeout");
            return this;
        }

        public Builder pingInterval(Duration pingInterval) {
            this.pingInterval = Objects.requireNonNull(pingInterval, "pingInterval");
            return this;
        }

        public Builder pongTimeout(Duration pongTimeout) {
            this.pongTimeout = Objects.requireNonNull(pongTimeout, "pongTimeout");
            return this;
        }

        public Builder permessageDeflate(boolean permessageDeflate) {
            this.permessageDeflate = permessageDeflate;
            return this;
        }

        public Builder serverNoContextTakeover(boolean serverNoContextTakeover) {
            this.serverNoContextTakeover = serverNoContextTakeover;
            return this;
        }

        public Builder clientNoContextTakeover(boolean clientNoContextTakeover) {
            this.clientNoContextTakeover = clientNoContextTakeover;
            return this;
        }

        public Builder subprotocols(List<String> subprotocols) {
            this.subprotocols = List.copyOf(subprotocols);
            return this;
        }

        public Builder allowedOrigins(List<String> allowedOrigins) {
            this.allowedOrigins = List.copyOf(allowedOrigins);
            return this;
        }

        /**
         * Checks the options and builds the configuration.
         *
         * @throws IllegalArgumentException naming the first option with a bad value
         */
        public WebSocketConfig build() {
            if (maxFrameBytes < 125) {
                throw new IllegalArgumentException("maxFrameBytes must be at least 125: " + maxFrameBytes);
            }
            if (maxMessageBytes < 1) {
                throw new IllegalArgumentException("maxMessageBytes must be positive: " + maxMessageBytes);
            }
            requirePositive("closeTimeout", closeTimeout);
            requirePositive("pongTimeout", pongTimeout);
            if (pingInterval.isNegative()) {
                throw new IllegalArgumentException("pingInterval must not be negative: " + pingInterval);
            }
            for (String subprotocol : subprotocols) {
                if (!HeaderValidation.isToken(subprotocol)) {
                    throw new IllegalArgumentException("subprotocols must be tokens: '" + subprotocol + "'");
                }
            }
            // RFC 6455 §4.1: the subprotocols a client offers "MUST all be unique strings".
            if (new HashSet<>(subprotocols).size() != subprotocols.size()) {
                throw new IllegalArgumentException("subprotocols must be unique: " + subprotocols);
            }
            for (String origin : allowedOrigins) {
                if (origin.isEmpty() || !HeaderValidation.isFieldValue(origin)) {
                    throw new IllegalArgumentException("allowedOrigins holds an invalid origin: '" + origin + "'");
                }
            }
            return new WebSocketConfig(this);
        }

        private static void requirePositive(String name, Duration value) {
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive: " + value);
            }
        }
    }
}
