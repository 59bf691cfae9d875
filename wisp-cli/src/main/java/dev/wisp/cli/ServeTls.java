package dev.wisp.cli;

import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.tls.ClientAuth;
import dev.wisp.tls.TlsConfig;
import dev.wisp.tls.TlsConfigException;
import dev.wisp.tls.TlsIdentity;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The transport of {@code wisp serve}: HTTPS by default, with the {@link LocalCertificate} or the user's own
 * ({@code --cert}, {@code --key}); plaintext with {@code --plain}; client certificates with {@code --client-ca}; a
 * second, plaintext port with {@code --http-port}, redirecting to https unless {@code --no-redirect}. Files the
 * user gives are watched, so a rotated certificate is served to new connections without a restart.
 *
 * <p>Default ports: 8443 for HTTPS and 8080 for plaintext, the usual unprivileged pair, so that a plaintext URL
 * remembered from before never reaches a TLS port.
 *
 * <p>Made once per {@code wisp serve} by {@link #configure}, then asked to describe itself once the server runs.
 */
final class ServeTls {
    static final int HTTPS_PORT = 8443;
    static final int PLAINTEXT_PORT = 8080;
    /** How often the files of --cert, --key and --client-ca are checked for changes. */
    static final Duration WATCH_INTERVAL = Duration.ofSeconds(2);

    static final List<Option> OPTIONS = List.of(
            new Option("--plain", null, null, "serve plaintext HTTP instead of HTTPS (default port then 8080)"),
            new Option("--cert", null, "FILE", "certificate chain (PEM) to serve instead of the self-signed one"),
            new Option("--key", null, "FILE", "private key (PEM) of --cert; both files are watched for changes"),
            new Option("--client-ca", null, "FILE", "require client certificates issued by a CA in FILE (PEM)"),
            new Option("--http-port", null, "N", "also serve plaintext on port N, redirecting to https"),
            new Option("--no-redirect", null, null, "with --http-port: serve the files there instead of redirecting"));

    private static final List<String> NEED_HTTPS = List.of("--cert", "--key", "--client-ca", "--http-port",
            "--no-redirect");

    private final boolean plain;
    private final LocalCertificate local;
    private final Path clientCa;
    private final boolean redirects;

    private ServeTls(boolean plain, LocalCertificate local, Path clientCa, boolean redirects) {
        this.plain = plain;
        this.local = local;
        this.clientCa = clientCa;
        this.redirects = redirects;
    }

    /** The port served when {@code --port} is not given. */
    static int defaultPort(Arguments arguments) {
        return arguments.has("--plain") ? PLAINTEXT_PORT : HTTPS_PORT;
    }

    /**
     * Adds the transport the arguments ask for to the server configuration. Without --cert, obtains the local
     * certificate for localhost, 127.0.0.1, ::1 and a bind address that is neither loopback nor the wildcard, and
     * says so when it was made.
     *
     * @throws UsageException for options that do not go together
     * @throws TlsConfigException for bad key material, with a message naming the file
     * @throws UncheckedIOException when the local certificate cannot be written
     */
    static ServeTls configure(Arguments arguments, InetAddress bindAddress, ServerConfig.Builder config,
            PrintStream out) throws UsageException {
        check(arguments);
        int plaintextPort = arguments.intValue("--http-port", -1, 0, 65535);
        if (arguments.has("--plain")) {
            return new ServeTls(true, null, null, false);
        }
        TlsConfig.Builder tls = TlsConfig.builder();
        LocalCertificate local = null;
        if (arguments.has("--cert")) {
            tls.identity(TlsIdentity.pemFiles(Path.of(arguments.value("--cert").orElseThrow()),
                    Path.of(arguments.value("--key").orElseThrow())));
        } else {
            local = obtainLocal(bindAddress, out);
            tls.identity(TlsIdentity.pemFiles(local.certificateFile(), local.keyFile()));
        }
        Path clientCa = arguments.value("--client-ca").map(Path::of).orElse(null);
        if (clientCa != null) {
            tls.trustedCertificates(clientCa).clientAuth(ClientAuth.REQUIRED);
        }
        config.tls(tls.build());
        if (local == null) {
            config.tlsFileWatchInterval(WATCH_INTERVAL);
        }
        boolean redirects = !arguments.has("--no-redirect");
        if (plaintextPort >= 0) {
            config.plaintextPort(plaintextPort).redirectToHttps(redirects);
        }
        return new ServeTls(false, local, clientCa, redirects);
    }

    /** {@code https} or {@code http}, for the URL of the main port. */
    String scheme() {
        return plain ? "http" : "https";
    }

    /** Prints, after the banner, the certificate and its fingerprint, client authentication and the second port. */
    void printStarted(Server server, InetAddress bindAddress, PrintStream out) {
        if (plain) {
            return;
        }
        X509Certificate certificate = server.tls().certificateChains().get(0).get(0);
        if (local != null) {
            out.println("Certificate " + local.certificateFile() + " (self-signed; trust it with curl --cacert "
                    + local.certificateFile() + ", or compare this fingerprint with your browser's)");
        } else {
            out.println("Certificate " + certificate.getSubjectX500Principal().getName() + ", valid until "
                    + certificate.getNotAfter().toInstant() + " (files watched for changes)");
        }
        out.println(Fingerprint.sha256Line(certificate));
        if (clientCa != null) {
            out.println("Client certificates required, issued by a CA in " + clientCa);
        }
        server.plaintextPort().ifPresent(port -> out.println("Plaintext on "
                + ServeCommand.url("http", bindAddress, port)
                + (redirects ? " redirects to https" : " serves the same files")));
    }

    private static void check(Arguments arguments) throws UsageException {
        if (arguments.has("--plain")) {
            for (String option : NEED_HTTPS) {
                if (arguments.has(option)) {
                    throw new UsageException("option " + option + " needs HTTPS and cannot go with --plain");
                }
            }
        }
        if (arguments.has("--cert") != arguments.has("--key")) {
            throw new UsageException(arguments.has("--cert")
                    ? "option --cert needs --key"
                    : "option --key needs --cert");
        }
        if (arguments.has("--no-redirect") && !arguments.has("--http-port")) {
            throw new UsageException("option --no-redirect needs --http-port");
        }
        // Port 0 picks a free port for each, so only a fixed port can clash.
        int port = arguments.intValue("--port", defaultPort(arguments), 0, 65535);
        if (port > 0 && arguments.intValue("--http-port", -1, 0, 65535) == port) {
            throw new UsageException("option --http-port must differ from the HTTPS port " + port);
        }
    }

    private static LocalCertificate obtainLocal(InetAddress bindAddress, PrintStream out) {
        List<InetAddress> addresses = new ArrayList<>(List.of(InetAddress.getLoopbackAddress(), ipv6Loopback()));
        if (!bindAddress.isLoopbackAddress() && !bindAddress.isAnyLocalAddress()) {
            addresses.add(bindAddress);
        }
        Path folder = ConfigFolder.resolve();
        LocalCertificate local;
        try {
            local = LocalCertificate.obtain(folder, List.of("localhost"), addresses, Instant.now());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the self-signed certificate in " + folder + " (set "
                    + ConfigFolder.VARIABLE + " to another folder, or use --cert and --key): " + e.getMessage(), e);
        }
        local.folderNotice().ifPresent(out::println);
        local.renewal().ifPresent(reason -> {
            List<String> names = new ArrayList<>(List.of("localhost"));
            addresses.forEach(address -> names.add(address.isLoopbackAddress() && address.getAddress().length == 16
                    ? "::1" : address.getHostAddress()));
            out.println("Made a self-signed certificate for " + String.join(", ", names) + " in " + folder
                    + ", valid until " + local.certificate().getNotAfter().toInstant() + ": " + reason);
        });
        return local;
    }

    private static InetAddress ipv6Loopback() {
        try {
            return InetAddress.getByAddress(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
        } catch (UnknownHostException e) {
            throw new IllegalStateException("16 bytes are an IPv6 address", e);
        }
    }
}
