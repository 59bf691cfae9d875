package dev.wisp.tls.internal;

/** Malformed DER input; the loaders turn it into a {@code TlsConfigException} that names the source. */
public final class DerException extends RuntimeException {
    /** An exception with a message that says what is malformed. */
    public DerException(String message) {
        super(message);
    }
}
