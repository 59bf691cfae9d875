package dev.wisp.client;

import java.util.Objects;

/**
 * The TLS handshake failed: the certificate did not verify (untrusted, expired, wrong host name), the server
 * refused ours, or the peers agreed on no protocol or cipher suite. {@link #reason()} is the innermost cause's
 * message, the one that says why, e.g. "No subject alternative DNS name matching example.com found."
 */
public final class TlsHandshakeException extends HttpCallException {
    private final String reason;
    private final boolean certificateRejected;

    /**
     * @param certificateRejected whether this client rejected the server's certificate (untrusted, expired, for
     *     another host), rather than the handshake failing for another reason
     */
    public TlsHandshakeException(String endpoint, String reason, boolean certificateRejected, Throwable cause) {
        super("TLS handshake with " + endpoint + " failed: " + reason, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.certificateRejected = certificateRejected;
    }

    /** Whether this client rejected the server's certificate: untrusted, expired, or not for the host. */
    public boolean isCertificateRejected() {
        return certificateRejected;
    }

    /** Why the handshake failed, as the TLS implementation says it. */
    public String reason() {
        return reason;
    }
}
