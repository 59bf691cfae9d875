package dev.wisp.tls;

/** Whether a server asks its clients for a certificate, checked against the configured trusted certificates. */
public enum ClientAuth {
    /** No client certificate is requested (the default). */
    NONE,
    /** A certificate is requested; a client without one is accepted, a client with an untrusted one is not. */
    OPTIONAL,
    /** A trusted client certificate is required; the handshake fails without one. */
    REQUIRED
}
