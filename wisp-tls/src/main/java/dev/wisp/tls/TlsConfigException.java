package dev.wisp.tls;

/**
 * Bad TLS configuration or key material, found when a {@link TlsConfig} is built or a {@link TlsContext} reloads:
 * unreadable or malformed PEM, a key that does not match its certificate, an expired certificate, a missing
 * password. The message says what is wrong and names the file or option, for example
 * {@code "private key does not match the certificate CN=localhost (key.pem)"}.
 */
public final class TlsConfigException extends RuntimeException {
    /** An exception with a message that says what is wrong and where. */
    public TlsConfigException(String message) {
        super(message);
    }

    /** An exception with a message that says what is wrong and where, and the underlying failure. */
    public TlsConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
