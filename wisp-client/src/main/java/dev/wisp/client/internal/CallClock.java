package dev.wisp.client.internal;

import dev.wisp.client.Timing;
import dev.wisp.tls.TlsSessionInfo;
import java.time.Duration;
import java.util.Optional;

/**
 * Collects the timing of one call as it goes, and turns it into a {@link Timing}. Written by the call's thread,
 * read by any (the fields are volatile).
 */
public final class CallClock {
    private final long startNanos = System.nanoTime();
    private volatile ConnectionSetup setup = new ConnectionSetup(0, 0, 0, null);
    private volatile boolean reused;
    private volatile long firstByteNanos;
    private volatile long endNanos;

    public long startNanos() {
        return startNanos;
    }

    /** The connection the call runs on: its setup counts only if this call made it. */
    void connection(ConnectionSetup connectionSetup, boolean wasReused) {
        this.reused = wasReused;
        this.setup = wasReused ? new ConnectionSetup(0, 0, 0, connectionSetup.tls()) : connectionSetup;
    }

    void firstByte() {
        if (firstByteNanos == 0) {
            firstByteNanos = System.nanoTime();
        }
    }

    /** The call ended: its body was read, or it failed. Only the first call counts. */
    void end() {
        if (endNanos == 0) {
            endNanos = System.nanoTime();
        }
    }

    /** The TLS session of the call's connection, once it has one; empty for plaintext. */
    public Optional<TlsSessionInfo> tlsSession() {
        return Optional.ofNullable(setup.tls());
    }

    /** A follow-up request starts: the call has not ended after all. */
    void nextHop() {
        endNanos = 0;
    }

    /** The timing so far; {@code total} runs up to now until the call ends. */
    public Timing timing() {
        long end = endNanos != 0 ? endNanos : System.nanoTime();
        long firstByte = firstByteNanos;
        ConnectionSetup s = setup;
        return new Timing(Duration.ofNanos(s.dnsNanos()), Duration.ofNanos(s.connectNanos()),
                Duration.ofNanos(s.tlsNanos()), Duration.ofNanos(firstByte == 0 ? 0 : firstByte - startNanos),
                Duration.ofNanos(end - startNanos), reused, s.tlsResumed());
    }
}
