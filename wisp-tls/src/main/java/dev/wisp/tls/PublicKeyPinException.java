package dev.wisp.tls;

import java.security.cert.CertificateException;

/**
 * The server's chain holds none of the public keys pinned for its host ({@link PublicKeyPin}): the client ends the
 * connection right after the handshake, before anything is sent on it. The message names the host, the pins of the
 * chain's keys with their subjects, and the pins configured for the host, so that a changed key can be told from an
 * interception at a glance.
 */
public final class PublicKeyPinException extends CertificateException {
    private final String host;

    /** An exception for this host with a message that lists the chain's pins and the configured ones. */
    public PublicKeyPinException(String host, String message) {
        super(message);
        this.host = host;
    }

    /** The host whose pins the chain did not match. */
    public String host() {
        return host;
    }
}
