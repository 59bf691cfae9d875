package dev.wisp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.server.Server;
import dev.wisp.testing.PeerTools;
import dev.wisp.testing.RawPeer;
import dev.wisp.testing.TestCertificate;
import dev.wisp.testing.TestCertificate.KeyType;
import dev.wisp.testing.TestCertificates;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wisp serve}'s HTTPS options, in-process on port 0 with a configuration folder of the test's own: the
 * self-signed certificate kept and reused, one's own certificate and its rotation, client certificates, and the
 * plaintext port.
 */
class ServeHttpsIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final TestCertificate CA = TestCertificates.ca(KeyType.EC);

    @TempDir
    Path directory;
    @TempDir
    Path config;
    private String previousConfigHome;

    @BeforeEach
    void useOwnConfigFolder() throws Exception {
        previousConfigHome = System.setProperty(ConfigFolder.PROPERTY, config.toString());
        Files.writeString(directory.resolve("hello.txt"), "hello\n");
    }

    @AfterEach
    void restoreConfigFolder() {
        if (previousConfigHome == null) {
            System.clearProperty(ConfigFolder.PROPERTY);
        } else {
            System.setProperty(ConfigFolder.PROPERTY, previousConfigHome);
        }
    }

    /** Starts {@code wisp serve} on port 0 and returns it with what it printed. */
    private record Started(Server server, String printed) implements AutoCloseable {
        @Override
        public void close() {
            server.close();
        }
    }

    private Started start(String... options) throws UsageException {
        List<String> arguments = new ArrayList<>(List.of(directory.toString(), "--port", "0"));
        arguments.addAll(List.of(options));
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Server server = ServeCommand.start(arguments, new PrintStream(printed, true, StandardCharsets.UTF_8));
        return new Started(server, printed.toString(StandardCharsets.UTF_8));
    }

    private Path write(String name, String text) throws Exception {
        return Files.writeString(directory.resolve(name), text);
    }

    @Test
    void keepsTheSelfSignedCertificateForLaterRunsAndPrintsTheFingerprintOpensslPrints() throws Exception {
        String openssl = PeerTools.require("openssl").toString();
        String firstFingerprint;
        try (Started first = start()) {
            assertTrue(first.printed().startsWith("Made a self-signed certificate for localhost, 127.0.0.1, ::1 in "
                    + config + ", valid until "), first.printed());
            firstFingerprint = first.printed().lines().filter(line -> line.startsWith("sha256 ")).findFirst()
                    .orElseThrow();
        }
        try (Started second = start()) {
            assertTrue(second.printed().startsWith("Serving "), second.printed());
            assertTrue(second.printed().contains("\n" + firstFingerprint + "\n"), second.printed());
            String response = TrustingSockets.get(config.resolve("cert.pem"), "localhost", second.server().port(),
                    "/hello.txt");
            assertTrue(response.endsWith("\r\n\r\nhello\n"), response);
        }
        PeerTools.Result result = PeerTools.run(TIMEOUT, List.of(openssl, "x509", "-noout", "-fingerprint",
                "-sha256", "-in", config.resolve("cert.pem").toString()));
        assertEquals(firstFingerprint + "\n", result.stdout());
    }

    @Test
    void servesTheUsersOwnCertificateAndPicksUpARotatedOne() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            TestCertificate before = TestCertificates.server(CA, KeyType.EC);
            Path certificate = write("server.pem", before.chainPem());
            Path key = write("server-key.pem", before.keys().pkcs8Pem());
            Path ca = write("ca.pem", CA.certificatePem());
            try (Started started = start("--cert", certificate.toString(), "--key", key.toString())) {
                assertTrue(started.printed().contains("(files watched for changes)"), started.printed());
                assertFalse(Files.exists(config.resolve("cert.pem")), "no self-signed certificate is made");
                assertEquals(before.certificate(), peerCertificate(ca, started.server()));

                TestCertificate after = TestCertificates.server(CA, KeyType.EC);
                Instant loaded = started.server().tls().loadedAt();
                // Until both files are new the pair does not match: that reload fails and the old pair stays.
                Files.move(write("server-key.pem.new", after.keys().pkcs8Pem()), key,
                        StandardCopyOption.REPLACE_EXISTING);
                Files.move(write("server.pem.new", after.chainPem()), certificate,
                        StandardCopyOption.REPLACE_EXISTING);
                while (started.server().tls().loadedAt().equals(loaded)
                        || !started.server().tls().certificateChains().get(0).get(0).equals(after.certificate())) {
                    Thread.onSpinWait(); // bounded by the timeout; the files are checked every two seconds
                }
                assertEquals(after.certificate(), peerCertificate(ca, started.server()));
            }
        });
    }

    private static Certificate peerCertificate(Path ca, Server server) throws Exception {
        try (SSLSocket socket = TrustingSockets.connect(ca, "localhost", server.port())) {
            return socket.getSession().getPeerCertificates()[0];
        }
    }

    @Test
    void requiresAClientCertificateFromTheClientCa() throws Exception {
        String curl = PeerTools.require("curl").toString();
        TestCertificate client = TestCertificates.client(CA, "test-client", KeyType.EC);
        Path ca = write("ca.pem", CA.certificatePem());
        Path clientCertificate = write("client.pem", client.chainPem());
        Path clientKey = write("client-key.pem", client.keys().pkcs8Pem());
        try (Started started = start("--client-ca", ca.toString())) {
            assertTrue(started.printed().contains("\nClient certificates required, issued by a CA in " + ca + "\n"),
                    started.printed());
            String url = "https://localhost:" + started.server().port() + "/hello.txt";
            String trusted = config.resolve("cert.pem").toString();
            PeerTools.Result with = PeerTools.run(TIMEOUT, List.of(curl, "-sS", "--cacert", trusted, "--cert",
                    clientCertificate.toString(), "--key", clientKey.toString(), url));
            assertEquals(0, with.exitCode(), with.stderr());
            assertEquals("hello\n", with.stdout());
            PeerTools.Result without = PeerTools.run(TIMEOUT, List.of(curl, "-sS", "--cacert", trusted, url));
            assertNotEquals(0, without.exitCode(), without.stdout());
        }
    }

    @Test
    void plaintextPortRedirectsToHttps() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            try (Started started = start("--http-port", "0");
                    RawPeer peer = RawPeer.connect(started.server().plaintextPort().orElseThrow())) {
                int plain = started.server().plaintextPort().orElseThrow();
                assertTrue(started.printed().endsWith("\nPlaintext on http://127.0.0.1:" + plain
                        + "/ redirects to https\n"), started.printed());
                peer.send("GET /hello.txt?x HTTP/1.1\r\nHost: localhost:" + plain + "\r\n\r\n");
                var response = peer.readResponse();
                assertEquals(308, response.status());
                assertEquals("https://localhost:" + started.server().port() + "/hello.txt?x",
                        response.headers().first("Location").orElseThrow());
            }
        });
    }

    /**
     * With --auth the plaintext port still redirects at once, asking for no password: its 401 came first, and a browser
     * then sent the password in clear text before it was sent to HTTPS.
     */
    @Test
    void plaintextPortRedirectsBeforeAskingForAPassword() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            try (Started started = start("--http-port", "0", "--auth", "bob:secret");
                    RawPeer peer = RawPeer.connect(started.server().plaintextPort().orElseThrow())) {
                peer.send("GET /hello.txt HTTP/1.1\r\nHost: localhost\r\n\r\n");
                var response = peer.readResponse();
                assertEquals(308, response.status());
                assertTrue(response.headers().first("WWW-Authenticate").isEmpty(), response.headers().toString());
                assertEquals("https://localhost:" + started.server().port() + "/hello.txt",
                        response.headers().first("Location").orElseThrow());
            }
        });
    }

    @Test
    void plaintextPortServesTheFilesWithNoRedirect() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            try (Started started = start("--http-port", "0", "--no-redirect");
                    RawPeer peer = RawPeer.connect(started.server().plaintextPort().orElseThrow())) {
                assertTrue(started.printed().endsWith(" serves the same files\n"), started.printed());
                peer.send("GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n");
                assertEquals("hello\n", peer.readResponse().bodyText());
            }
        });
    }
}
