package dev.wisp.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.testing.PeerTools;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A {@link SelfSignedCertificate} as OpenSSL sees it: printed, verified, and presented in a real handshake. */
class SelfSignedCertificateIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path directory;

    private Path[] written(SelfSignedCertificate made) throws Exception {
        Path certificate = directory.resolve("cert.pem");
        Path key = directory.resolve("key.pem");
        made.writePemFiles(certificate, key);
        return new Path[] {certificate, key};
    }

    @Test
    void opensslPrintsTheNamesExtensionsAndSignature() throws Exception {
        String openssl = PeerTools.require("openssl").toString();
        Path certificate = written(SelfSignedCertificateTest.localhost())[0];
        PeerTools.Result result = PeerTools.run(TIMEOUT,
                List.of(openssl, "x509", "-in", certificate.toString(), "-text", "-noout"));
        assertEquals(0, result.exitCode(), result.stderr());
        String text = result.stdout();
        for (String expected : List.of("Version: 3 (0x2)", "Signature Algorithm: ecdsa-with-SHA256",
                "Issuer: CN = localhost", "Subject: CN = localhost", "Public Key Algorithm: id-ecPublicKey",
                "ASN1 OID: prime256v1", "X509v3 Subject Alternative Name: \n"
                        + "                DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1\n",
                "X509v3 Basic Constraints: critical\n                CA:FALSE\n",
                "X509v3 Key Usage: critical\n                Digital Signature\n",
                "X509v3 Extended Key Usage: \n                TLS Web Server Authentication\n")) {
            assertTrue(text.contains(expected), "missing '" + expected + "' in\n" + text);
        }
    }

    @Test
    void opensslVerifiesItAgainstItselfAsTheOnlyTrustedCertificate() throws Exception {
        String openssl = PeerTools.require("openssl").toString();
        Path certificate = written(SelfSignedCertificateTest.localhost())[0];
        PeerTools.Result result = PeerTools.run(TIMEOUT, List.of(openssl, "verify", "-purpose", "sslserver",
                "-verify_hostname", "localhost", "-CAfile", certificate.toString(), certificate.toString()));
        assertEquals(0, result.exitCode(), result.stdout() + result.stderr());
        assertEquals(certificate + ": OK\n", result.stdout());
    }

    @Test
    void opensslClientCompletesAVerifiedHandshakeWithIt() throws Exception {
        String openssl = PeerTools.require("openssl").toString();
        SelfSignedCertificate made = SelfSignedCertificateTest.localhost();
        Path certificate = written(made)[0];
        TlsContext context = TlsContext.create(TlsConfig.builder().identity(made.identity()).build());
        assertTimeoutPreemptively(TIMEOUT, () -> {
            try (SSLServerSocket listener = (SSLServerSocket) context.sslContext().getServerSocketFactory()
                    .createServerSocket(0, 1, InetAddress.getLoopbackAddress());
                    ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
                listener.setSSLParameters(context.serverParameters());
                Future<?> served = executor.submit(() -> {
                    try (SSLSocket socket = (SSLSocket) listener.accept()) {
                        OutputStream out = socket.getOutputStream();
                        out.write("hello from wisp\n".getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    }
                    return null;
                });
                PeerTools.Result result = PeerTools.run(TIMEOUT, List.of(openssl, "s_client", "-connect",
                        "127.0.0.1:" + listener.getLocalPort(), "-servername", "localhost", "-verify_hostname",
                        "localhost", "-CAfile", certificate.toString(), "-verify_return_error", "-brief", "-ign_eof"));
                served.get();
                String output = result.stdout() + result.stderr();
                assertEquals(0, result.exitCode(), output);
                assertTrue(output.contains("Verification: OK"), output);
                assertTrue(output.contains("hello from wisp"), output);
            }
        });
    }
}
