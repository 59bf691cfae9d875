package dev.wisp.http2;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The six settings of RFC 9113 §6.5.2 and RFC 8441's SETTINGS_ENABLE_CONNECT_PROTOCOL on one side of a connection,
 * immutable. Each side starts from
 * {@link #DEFAULT}; a SETTINGS frame changes some of them ({@link #apply(SettingsFrame)}), and a side sends what it
 * changed ({@link #differencesFrom(Settings)}).
 *
 * <table class="striped">
 * <caption>Settings, their defaults and their checks</caption>
 * <tr><th>setting</th><th>id</th><th>default</th><th>allowed (a peer's value outside: connection error)</th></tr>
 * <tr><td>{@code headerTableSize}</td><td>0x1</td><td>4,096</td><td>0 to 2^32-1</td></tr>
 * <tr><td>{@code enablePush}</td><td>0x2</td><td>true (1)</td><td>0 or 1, else PROTOCOL_ERROR</td></tr>
 * <tr><td>{@code maxConcurrentStreams}</td><td>0x3</td><td>unlimited, shown as 2^32-1</td><td>0 to 2^32-1</td></tr>
 * <tr><td>{@code initialWindowSize}</td><td>0x4</td><td>65,535</td><td>0 to 2^31-1, else FLOW_CONTROL_ERROR</td></tr>
 * <tr><td>{@code maxFrameSize}</td><td>0x5</td><td>16,384</td><td>16,384 to 16,777,215, else PROTOCOL_ERROR</td></tr>
 * <tr><td>{@code maxHeaderListSize}</td><td>0x6</td><td>unlimited, shown as 2^32-1</td><td>0 to 2^32-1</td></tr>
 * <tr><td>{@code enableConnectProtocol}</td><td>0x8</td><td>false (0)</td><td>0 or 1, and never 0 after 1, else
 *     PROTOCOL_ERROR (RFC 8441 §3)</td></tr>
 * </table>
 * Settings with other identifiers are ignored (§6.5.2: "MUST ignore").
 */
public final class Settings {
    public static final int HEADER_TABLE_SIZE = 0x1;
    public static final int ENABLE_PUSH = 0x2;
    public static final int MAX_CONCURRENT_STREAMS = 0x3;
    public static final int INITIAL_WINDOW_SIZE = 0x4;
    public static final int MAX_FRAME_SIZE = 0x5;
    public static final int MAX_HEADER_LIST_SIZE = 0x6;
    /** RFC 8441 §3: the sender accepts the extended CONNECT ({@code :protocol}). */
    public static final int ENABLE_CONNECT_PROTOCOL = 0x8;

    /** The value that stands for "unlimited": the largest a SETTINGS frame can carry. */
    public static final long UNLIMITED = 0xffff_ffffL;
    /** The smallest, and default, SETTINGS_MAX_FRAME_SIZE. */
    public static final int MIN_MAX_FRAME_SIZE = 16_384;
    /** The largest SETTINGS_MAX_FRAME_SIZE: 2^24-1. */
    public static final int MAX_MAX_FRAME_SIZE = 16_777_215;
    /** The largest flow-control window and SETTINGS_INITIAL_WINDOW_SIZE: 2^31-1. */
    public static final int MAX_WINDOW_SIZE = Integer.MAX_VALUE;

    /** The settings every connection starts from (RFC 9113 §6.5.2). */
    public static final Settings DEFAULT = new Settings(new long[] {0, 4096, 1, UNLIMITED, 65_535, 16_384, UNLIMITED,
            0, 0});

    /** Indexed by identifier; index 0 unused. */
    private final long[] values;

    private Settings(long[] values) {
        this.values = values;
    }

    public long headerTableSize() {
        return values[HEADER_TABLE_SIZE];
    }

    public boolean enablePush() {
        return values[ENABLE_PUSH] == 1;
    }

    public long maxConcurrentStreams() {
        return values[MAX_CONCURRENT_STREAMS];
    }

    public int initialWindowSize() {
        return (int) values[INITIAL_WINDOW_SIZE];
    }

    public int maxFrameSize() {
        return (int) values[MAX_FRAME_SIZE];
    }

    public long maxHeaderListSize() {
        return values[MAX_HEADER_LIST_SIZE];
    }

    /** Whether the extended CONNECT of RFC 8441 may be sent to this side. */
    public boolean enableConnectProtocol() {
        return values[ENABLE_CONNECT_PROTOCOL] == 1;
    }

    /**
     * The settings after a peer's SETTINGS frame, its parameters taken in order; unknown identifiers are ignored. An
     * acknowledgement changes nothing.
     *
     * @throws ConnectionException if a value is outside what §6.5.2 allows, or SETTINGS_ENABLE_CONNECT_PROTOCOL goes
     *     back from 1 to 0 (RFC 8441 §3)
     */
    public Settings apply(SettingsFrame frame) throws ConnectionException {
        long[] next = values.clone();
        for (Setting setting : frame.settings()) {
            if (isKnown(setting.identifier())) {
                check(setting.identifier(), setting.value());
                if (setting.identifier() == ENABLE_CONNECT_PROTOCOL
                        && next[ENABLE_CONNECT_PROTOCOL] > setting.value()) {
                    throw new ConnectionException(ErrorCode.PROTOCOL_ERROR,
                            "SETTINGS_ENABLE_CONNECT_PROTOCOL went back from 1 to 0 (RFC 8441 §3)");
                }
                next[setting.identifier()] = setting.value();
            }
        }
        return new Settings(next);
    }

    /** The parameters to send to move a peer from {@code previous} to these settings, in identifier order. */
    public List<Setting> differencesFrom(Settings previous) {
        List<Setting> changes = new ArrayList<>();
        for (int id = HEADER_TABLE_SIZE; id <= ENABLE_CONNECT_PROTOCOL; id++) {
            if (values[id] != previous.values[id]) {
                changes.add(new Setting(id, values[id]));
            }
        }
        return changes;
    }

    /** A builder starting from these settings. */
    public Builder toBuilder() {
        return new Builder(values.clone());
    }

    /** A builder starting from {@link #DEFAULT}. */
    public static Builder builder() {
        return DEFAULT.toBuilder();
    }

    static boolean isKnown(int identifier) {
        return identifier >= HEADER_TABLE_SIZE && identifier <= MAX_HEADER_LIST_SIZE
                || identifier == ENABLE_CONNECT_PROTOCOL;
    }

    /** Checks a known setting's value as RFC 9113 §6.5.2 asks of a receiver. */
    static void check(int identifier, long value) throws ConnectionException {
        switch (identifier) {
            case ENABLE_PUSH, ENABLE_CONNECT_PROTOCOL -> {
                if (value > 1) {
                    throw new ConnectionException(ErrorCode.PROTOCOL_ERROR, (identifier == ENABLE_PUSH
                            ? "SETTINGS_ENABLE_PUSH" : "SETTINGS_ENABLE_CONNECT_PROTOCOL") + " must be 0 or 1, not "
                            + value);
                }
            }
            case INITIAL_WINDOW_SIZE -> {
                if (value > MAX_WINDOW_SIZE) {
                    throw new ConnectionException(ErrorCode.FLOW_CONTROL_ERROR,
                            "SETTINGS_INITIAL_WINDOW_SIZE " + value + " exceeds 2^31-1");
                }
            }
            case MAX_FRAME_SIZE -> {
                if (value < MIN_MAX_FRAME_SIZE || value > MAX_MAX_FRAME_SIZE) {
                    throw new ConnectionException(ErrorCode.PROTOCOL_ERROR,
                            "SETTINGS_MAX_FRAME_SIZE " + value + " is outside 16384 to 16777215");
                }
            }
            default -> {
                // The other settings take any 32-bit value.
            }
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Settings settings && Arrays.equals(values, settings.values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "Settings[headerTableSize=" + headerTableSize() + ", enablePush=" + enablePush()
                + ", maxConcurrentStreams=" + maxConcurrentStreams() + ", initialWindowSize=" + initialWindowSize()
                + ", maxFrameSize=" + maxFrameSize() + ", maxHeaderListSize=" + maxHeaderListSize()
                + ", enableConnectProtocol=" + enableConnectProtocol() + "]";
    }

    /** Builds {@link Settings}; each setter checks its value as §6.5.2 does. */
    public static final class Builder {
        private final long[] values;

        private Builder(long[] values) {
            this.values = values;
        }

        public Builder headerTableSize(long bytes) {
            return set(HEADER_TABLE_SIZE, bytes, "headerTableSize");
        }

        public Builder enablePush(boolean enablePush) {
            values[ENABLE_PUSH] = enablePush ? 1 : 0;
            return this;
        }

        /** {@link #UNLIMITED} for no limit. */
        public Builder maxConcurrentStreams(long count) {
            return set(MAX_CONCURRENT_STREAMS, count, "maxConcurrentStreams");
        }

        public Builder initialWindowSize(int bytes) {
            return set(INITIAL_WINDOW_SIZE, bytes, "initialWindowSize");
        }

        public Builder maxFrameSize(int bytes) {
            return set(MAX_FRAME_SIZE, bytes, "maxFrameSize");
        }

        /** {@link #UNLIMITED} for no limit. */
        public Builder maxHeaderListSize(long bytes) {
            return set(MAX_HEADER_LIST_SIZE, bytes, "maxHeaderListSize");
        }

        /** Whether this side accepts the extended CONNECT of RFC 8441. */
        public Builder enableConnectProtocol(boolean enable) {
            values[ENABLE_CONNECT_PROTOCOL] = enable ? 1 : 0;
            return this;
        }

        private Builder set(int identifier, long value, String name) {
            if (value < 0 || value > UNLIMITED) {
                throw new IllegalArgumentException(name + " must be 0 to 2^32-1: " + value);
            }
            try {
                check(identifier, value);
            } catch (ConnectionException e) {
                throw new IllegalArgumentException(name + ": " + e.getMessage());
            }
            values[identifier] = value;
            return this;
        }

        public Settings build() {
            return new Settings(values.clone());
        }
    }
}
