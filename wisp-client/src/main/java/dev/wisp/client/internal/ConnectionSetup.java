package dev.wisp.client.internal;

import dev.wisp.tls.TlsSessionInfo;

/**
 * How a connection was made, for the timing of the call that made it.
 *
 * @param dnsNanos the DNS lookup
 * @param connectNanos the TCP connection
 * @param tlsNanos the TLS handshake; 0 for plaintext
 * @param tls the TLS session's facts; null for plaintext
 */
public record ConnectionSetup(long dnsNanos, long connectNanos, long tlsNanos, TlsSessionInfo tls) {
    /** Whether the handshake resumed an earlier session. */
    public boolean tlsResumed() {
        return tls != null && tls.resumed();
    }
}
