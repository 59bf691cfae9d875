package dev.wisp.client.internal;

/**
 * How a connection was made, for the timing of the call that made it.
 *
 * @param dnsNanos the DNS lookup
 * @param connectNanos the TCP connection
 * @param tlsNanos the TLS handshake; 0 for plaintext
 * @param tlsResumed whether the handshake resumed an earlier session
 */
public record ConnectionSetup(long dnsNanos, long connectNanos, long tlsNanos, boolean tlsResumed) {
}
