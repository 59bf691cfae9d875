package dev.wisp.client;

import dev.wisp.testing.PeerTools;
import dev.wisp.tls.TlsConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code openssl s_server -www} on loopback: with a self-signed P-256 certificate for {@code localhost} only (no IP
 * address in it) made by openssl at test time, or with given PEM files; and a client configuration that trusts
 * the certificate. Stopped by its own process handle.
 */
final class OpensslPeer implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path certificate;

    private OpensslPeer(Process process, int port, Path certificate) {
        this.process = process;
        this.port = port;
        this.certificate = certificate;
    }

    static OpensslPeer start(Path directory, String... options) throws Exception {
        String openssl = PeerTools.require("openssl").toString();
        Path key = directory.resolve("key.pem");
        Path certificate = directory.resolve("cert.pem");
        PeerTools.Result made = PeerTools.run(Duration.ofSeconds(30), List.of(openssl, "req", "-x509", "-newkey", "ec",
                "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost", "-keyout", key.toString(), "-out", certificate.toString()));
        if (made.exitCode() != 0) {
            throw new IOException("openssl req failed: " + made.stderr());
        }
        return start(directory, certificate, key, options);
    }

    /** {@code openssl s_server -www} serving this certificate chain and key (PEM files), with more options. */
    static OpensslPeer start(Path directory, Path certificate, Path key, String... options) throws Exception {
        String openssl = PeerTools.require("openssl").toString();
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        List<String> command = new java.util.ArrayList<>(List.of(openssl, "s_server", "-accept", "127.0.0.1:" + port,
                "-cert", certificate.toString(), "-key", key.toString(), "-www", "-quiet"));
        command.addAll(List.of(options));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(directory.resolve("s_server-" + port + ".log").toFile()).start();
        OpensslPeer peer = new OpensslPeer(process, port, certificate);
        for (int i = 0; i < 100; i++) {
            try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return peer;
            } catch (IOException e) {
                if (!process.isAlive()) {
                    throw new IOException("openssl s_server exited: " + String.join(" ", command));
                }
                Thread.sleep(50); // waiting for s_server to listen; bounded to 5 s
            }
        }
        peer.close();
        throw new IOException("openssl s_server did not listen within 5 s");
    }

    int port() {
        return port;
    }

    /** A client TLS configuration trusting only the server's certificate. */
    TlsConfig trustingTls() {
        return TlsConfig.builder().trustedCertificates(certificate).build();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
