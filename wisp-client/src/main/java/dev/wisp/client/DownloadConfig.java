package dev.wisp.client;

import dev.wisp.core.Ascii;
import java.util.Objects;
import java.util.Optional;

/**
 * How {@link Client#download(Request, java.nio.file.Path, DownloadConfig)} fetches a file, resumes it and checks it.
 * Every option and its default:
 *
 * <table>
 * <caption>Options</caption>
 * <tr><th>option</th><th>default</th><th>what it does</th></tr>
 * <tr><td>{@code retryPolicy}</td><td>500 ms doubling to 30 s, 5 failed attempts in a row</td><td>the wait before
 * the next request after one failed (the connection dropped or timed out, a 408, 429, 500, 502, 503 or 504, whose
 * {@code Retry-After} in seconds is waited for too, up to the policy's {@code maxDelay}); an attempt that added
 * to the file resets the count; 0 attempts: without end</td></tr>
 * <tr><td>{@code expectedSha256}</td><td>none</td><td>the SHA-256 of the whole file, in hex: checked before the file
 * takes its name; a mismatch fails the download and keeps nothing</td></tr>
 * <tr><td>{@code maxBytes}</td><td>no limit</td><td>the largest file taken: a longer one fails the download as soon
 * as its length is known (or, sent without one, once it crosses it) and keeps nothing</td></tr>
 * </table>
 *
 * <p>Immutable and thread-safe; build one with {@link #builder()}.
 */
public final class DownloadConfig {
    private static final ReconnectPolicy DEFAULT_RETRIES = ReconnectPolicy.builder().maxAttempts(5).build();
    private static final DownloadConfig DEFAULTS = builder().build();

    private final ReconnectPolicy retryPolicy;
    private final String expectedSha256;
    private final long maxBytes;

    private DownloadConfig(Builder builder) {
        this.retryPolicy = builder.retryPolicy;
        this.expectedSha256 = builder.expectedSha256;
        this.maxBytes = builder.maxBytes;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static DownloadConfig defaults() {
        return DEFAULTS;
    }

    public Builder toBuilder() {
        Builder builder = new Builder().retryPolicy(retryPolicy).maxBytes(maxBytes);
        builder.expectedSha256 = expectedSha256;
        return builder;
    }

    public ReconnectPolicy retryPolicy() {
        return retryPolicy;
    }

    /** The SHA-256 the file must have, in lowercase hex; empty when not checked. */
    public Optional<String> expectedSha256() {
        return Optional.ofNullable(expectedSha256);
    }

    public long maxBytes() {
        return maxBytes;
    }

    /** Builds a {@link DownloadConfig}; not thread-safe. */
    public static final class Builder {
        private ReconnectPolicy retryPolicy = DEFAULT_RETRIES;
        private String expectedSha256;
        private long maxBytes = Long.MAX_VALUE;

        private Builder() {
        }

        public Builder retryPolicy(ReconnectPolicy policy) {
            this.retryPolicy = Objects.requireNonNull(policy, "retryPolicy");
            return this;
        }

        /**
         * The SHA-256 of the whole file, 64 hex digits (either case).
         *
         * @throws IllegalArgumentException if it is not 64 hex digits
         */
        public Builder expectedSha256(String hex) {
            Objects.requireNonNull(hex, "expectedSha256");
            if (!hex.matches("[0-9a-fA-F]{64}")) {
                throw new IllegalArgumentException("expectedSha256 must be 64 hex digits: '" + Ascii.escape(hex) + "'");
            }
            this.expectedSha256 = Ascii.toLowerCase(hex);
            return this;
        }

        public Builder maxBytes(long maxBytes) {
            this.maxBytes = maxBytes;
            return this;
        }

        /** @throws IllegalArgumentException naming the option that is out of range */
        public DownloadConfig build() {
            if (maxBytes < 0) {
                throw new IllegalArgumentException("maxBytes must not be negative: " + maxBytes);
            }
            return new DownloadConfig(this);
        }
    }
}
