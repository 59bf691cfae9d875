package dev.wisp.cli;

import dev.wisp.tls.PublicKeyPin;
import dev.wisp.tls.TlsConfig;
import dev.wisp.tls.TlsConfigException;
import dev.wisp.tls.TlsIdentity;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The TLS options of {@code wisp get} and {@code wisp ws}, named as curl names them, turned into the client's {@link
 * TlsConfig}: {@code --cacert FILE} (CA certificates in PEM that replace the JDK's trust store), {@code --cert FILE}
 * and {@code --key FILE} (a client certificate chain and its key, in PEM, for mutual TLS; without {@code --key} the key
 * is read from the certificate file, as curl does) and {@code -k/--insecure} ({@link
 * TlsConfig.Builder#insecureTrustAll()}, which logs its WARNING), {@code --pinnedpubkey} (public keys required of
 * every server the command reaches, {@link TlsConfig.Builder#pinPublicKeys}). {@code --connect-timeout} is the
 * handshake's timeout too, as curl's covers the handshake.
 */
final class ClientTlsOptions {
    /** The options, for the commands that make TLS connections. */
    static final List<Option> OPTIONS = List.of(
            new Option("--cacert", null, "FILE", "verify the server with the CA certificates of this PEM file"),
            new Option("--cert", "-E", "FILE", "client certificate (PEM) for mutual TLS; its key too if no --key"),
            new Option("--key", null, "FILE", "private key (PEM) of the --cert certificate"),
            new Option("--insecure", "-k", null, "do not verify the server's certificate or name (unsafe)"),
            new Option("--pinnedpubkey", null, "HASHES|FILE", "require this public key of the server: sha256//BASE64"
                    + " hashes separated by ;, or a PEM or DER file of the key (or of a certificate)"));

    private ClientTlsOptions() {
    }

    /** A file of the TLS options could not be used; {@link #exitCode()} is curl's code for it. */
    static final class TlsFileException extends Exception {
        private final int exitCode;

        TlsFileException(String message, int exitCode) {
            super(message);
            this.exitCode = exitCode;
        }

        int exitCode() {
            return exitCode;
        }
    }

    /**
     * The TLS configuration the options (and {@code --connect-timeout}) ask for; empty when they ask for none (the
     * client's default then).
     *
     * @throws TlsFileException for a client certificate or key that cannot be read or do not match (curl's 58),
     *     or a CA file that cannot be read (curl's 77)
     */
    static Optional<TlsConfig> tls(Arguments parsed) throws UsageException, TlsFileException {
        boolean limitsHandshake = parsed.has("--connect-timeout");
        if (!parsed.has("--cacert") && !parsed.has("--cert") && !parsed.has("--key") && !parsed.has("--insecure")
                && !parsed.has("--pinnedpubkey") && !limitsHandshake) {
            return Optional.empty();
        }
        if (parsed.has("--key") && !parsed.has("--cert")) {
            throw new UsageException("option --key needs --cert");
        }
        TlsConfig.Builder tls = TlsConfig.builder();
        if (parsed.has("--cert")) {
            Path certificate = Path.of(parsed.value("--cert").orElseThrow());
            Path key = Path.of(parsed.value("--key").orElse(certificate.toString()));
            tls.identity(TlsIdentity.pemFiles(certificate, key));
            try {
                // The identity alone first, so a failure names the right file and gets curl's code for it.
                TlsConfig.builder().identity(TlsIdentity.pemFiles(certificate, key)).build();
            } catch (TlsConfigException e) {
                throw new TlsFileException("client certificate " + certificate + " or key " + key + ": "
                        + e.getMessage(), ExitCodes.LOCAL_CERTIFICATE_FAILED);
            }
        }
        parsed.value("--cacert").map(Path::of).ifPresent(tls::trustedCertificates);
        if (parsed.has("--insecure")) {
            tls.insecureTrustAll();
        }
        pinPublicKeys(tls, parsed, "--pinnedpubkey");
        if (limitsHandshake) {
            // curl's --connect-timeout covers the TLS handshake; the client's connectTimeout ends when TCP is up.
            tls.handshakeTimeout(ClientFlags.seconds(parsed, "--connect-timeout"));
        }
        try {
            return Optional.of(tls.build());
        } catch (TlsConfigException e) {
            throw new TlsFileException("CA certificates " + parsed.value("--cacert").orElse("") + ": "
                    + e.getMessage(), ExitCodes.CA_FILE_FAILED);
        }
    }

    /** Requires the public keys of curl's {@code --pinnedpubkey} (or {@code --proxy-pinnedpubkey}), if given. */
    static void pinPublicKeys(TlsConfig.Builder tls, Arguments parsed, String option) throws UsageException {
        if (parsed.has(option)) {
            try {
                tls.pinPublicKeys("*", pins(parsed.value(option).orElseThrow(), option));
            } catch (IllegalArgumentException e) {
                throw new UsageException("option " + option + ": " + e.getMessage());
            }
        }
    }

    /**
     * The option's value as pins: {@code sha256//} hashes separated by {@code ;}, or a file of the key
     * ({@link PublicKeyPin#pinOfFile}).
     *
     * @throws IllegalArgumentException if the file holds no public key
     */
    private static String[] pins(String value, String option) throws UsageException {
        if (value.startsWith("sha256//")) {
            return Arrays.stream(value.split(";")).map(String::strip).toArray(String[]::new);
        }
        try {
            return new String[] {PublicKeyPin.pinOfFile(Path.of(value))};
        } catch (IOException | InvalidPathException e) {
            throw new UsageException("option " + option + ": cannot read the public key file " + value + ": " + e);
        }
    }
}
