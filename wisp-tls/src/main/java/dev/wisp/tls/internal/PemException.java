package dev.wisp.tls.internal;

/** Malformed PEM or key material; the message names the source. Becomes a {@code TlsConfigException}. */
public final class PemException extends RuntimeException {
    /** An exception whose message says what and where. */
    public PemException(String message) {
        super(message);
    }

    /** An exception whose message says what and where, with the underlying failure. */
    public PemException(String message, Throwable cause) {
        super(message, cause);
    }
}
