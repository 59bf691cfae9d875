package dev.wisp.client;

import java.time.Duration;
import java.util.Objects;

/**
 * How long the phases of one call took, as curl's {@code -w} reports them. Phases that did not happen (DNS, connect
 * and TLS on a reused connection) are zero. Durations are measured from the start of the call, except the first
 * three, which are the lengths of their phases.
 *
 * @param dns the DNS lookup
 * @param connect the TCP connection
 * @param tls the TLS handshake
 * @param timeToFirstByte from the start of the call to the first byte of the response
 * @param total from the start of the call to the end of the response body (or of the call, if it failed)
 * @param connectionReused whether the call ran on a connection an earlier call had used
 * @param tlsResumed whether the TLS handshake resumed an earlier session
 */
public record Timing(Duration dns, Duration connect, Duration tls, Duration timeToFirstByte, Duration total,
        boolean connectionReused, boolean tlsResumed) {
    public Timing {
        Objects.requireNonNull(dns, "dns");
        Objects.requireNonNull(connect, "connect");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(timeToFirstByte, "timeToFirstByte");
        Objects.requireNonNull(total, "total");
    }

    @Override
    public String toString() {
        return "dns " + millis(dns) + ", connect " + millis(connect) + ", tls " + millis(tls) + ", first byte "
                + millis(timeToFirstByte) + ", total " + millis(total) + (connectionReused ? ", reused" : "")
                + (tlsResumed ? ", resumed" : "");
    }

    private static String millis(Duration duration) {
        return String.format(java.util.Locale.ROOT, "%.3f ms", duration.toNanos() / 1e6);
    }
}
