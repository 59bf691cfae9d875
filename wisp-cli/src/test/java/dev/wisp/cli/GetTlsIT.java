package dev.wisp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.testing.PeerTools;
import dev.wisp.testing.TestCertificate;
import dev.wisp.testing.TestCertificate.KeyType;
import dev.wisp.testing.TestCertificates;
import dev.wisp.tls.PublicKeyPin;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wisp get} with curl's TLS flags against {@code openssl s_server -www}, exit codes compared with curl's:
 * {@code --cacert}, {@code -k}, {@code --cert} and {@code --key} for a server requiring client certificates,
 * unusable files, {@code --pinnedpubkey} (hashes, and the key in PEM and DER), and {@code --connect-timeout} for a
 * handshake that never ends.
 */
class GetTlsIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final TestCertificate CA = TestCertificates.ca(KeyType.EC);

    @TempDir
    static Path directory;
    private static Path ca;
    private static Path clientCert;
    private static Path clientKey;
    private static TestCertificate server;
    private static Process plain;
    private static Process mutual;
    private static String plainUrl;
    private static String mutualUrl;

    /** What a run printed and returned. */
    record Run(int exitCode, String stdout, String stderr) {
    }

    @BeforeAll
    static void start() throws Exception {
        ca = Files.writeString(directory.resolve("ca.pem"), CA.certificatePem());
        server = TestCertificates.server(CA, KeyType.EC);
        Path serverCert = Files.writeString(directory.resolve("server.pem"), server.chainPem());
        Path serverKey = Files.writeString(directory.resolve("server-key.pem"), server.keys().pkcs8Pem());
        TestCertificate client = TestCertificates.client(CA, "wisp-get", KeyType.EC);
        clientCert = Files.writeString(directory.resolve("client.pem"), client.chainPem());
        clientKey = Files.writeString(directory.resolve("client-key.pem"), client.keys().pkcs8Pem());
        int plainPort = freePort();
        plain = sServer(plainPort, serverCert, serverKey);
        plainUrl = "https://localhost:" + plainPort + "/";
        int mutualPort = freePort();
        // TLS 1.2, so that a refused client certificate fails the handshake itself, for curl as for wisp.
        mutual = sServer(mutualPort, serverCert, serverKey, "-tls1_2", "-Verify", "1", "-verify_return_error",
                "-CAfile", ca.toString());
        mutualUrl = "https://localhost:" + mutualPort + "/";
        awaitListening(plainPort);
        awaitListening(mutualPort);
    }

    @AfterAll
    static void stop() throws Exception {
        for (Process process : new Process[] {plain, mutual}) {
            if (process != null) {
                process.destroy();
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    private static Process sServer(int port, Path cert, Path key, String... options) throws IOException {
        List<String> command = new ArrayList<>(List.of(PeerTools.require("openssl").toString(), "s_server",
                "-accept", "127.0.0.1:" + port, "-cert", cert.toString(), "-key", key.toString(), "-www", "-quiet"));
        command.addAll(List.of(options));
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(directory.resolve("s_server-" + port + ".log").toFile()).start();
    }

    private static void awaitListening(int port) throws Exception {
        for (int i = 0; i < 100; i++) {
            try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(50); // waiting for s_server to listen; bounded to 5 s
            }
        }
        throw new IOException("openssl s_server did not listen on " + port + " within 5 s");
    }

    private static Run wisp(String... arguments) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> command = new ArrayList<>(List.of("get"));
        command.addAll(List.of(arguments));
        int code = Main.run(command, new PrintStream(out, true, StandardCharsets.ISO_8859_1),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.ISO_8859_1), err.toString(StandardCharsets.UTF_8));
    }

    private static int curl(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(PeerTools.require("curl").toString(), "-s", "-o",
                "/dev/null"));
        command.addAll(List.of(arguments));
        return PeerTools.run(TIMEOUT, command).exitCode();
    }

    /** Runs wisp and curl with the same arguments; both must exit with the expected code. */
    private static Run both(int expected, String... arguments) throws Exception {
        Run run = wisp(arguments);
        assertEquals(expected, run.exitCode(), String.join(" ", arguments) + ": " + run.stderr());
        assertEquals(expected, curl(arguments), "curl " + String.join(" ", arguments));
        return run;
    }

    @Test
    void verifiesTheServerWithCacertAndRejectsItWithout() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Run trusted = both(0, "--cacert", ca.toString(), plainUrl);
            assertTrue(trusted.stdout().contains("s_server"), trusted.stdout());
            Run untrusted = both(60, plainUrl);
            assertTrue(untrusted.stderr().startsWith("wisp get: TLS handshake with localhost:"), untrusted.stderr());
        });
    }

    @Test
    void insecureSkipsVerification() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            assertTrue(both(0, "-k", plainUrl).stdout().contains("s_server"));
            assertEquals(0, wisp("--insecure", plainUrl).exitCode());
        });
    }

    /**
     * --connect-to moves the connection alone: the certificate is still verified for the URL's host, and refused for
     * a host it does not name, as curl does.
     */
    @Test
    void connectsElsewhereWithConnectToAndVerifiesTheUrlsHost() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            String to = "127.0.0.1:" + java.net.URI.create(plainUrl).getPort();
            Run moved = both(0, "--cacert", ca.toString(), "--connect-to", "localhost:443:" + to,
                    "https://localhost/");
            assertTrue(moved.stdout().contains("s_server"), moved.stdout());
            both(60, "--cacert", ca.toString(), "--connect-to", "other.test:443:" + to, "https://other.test/");
        });
    }

    /**
     * -k is warned of on standard error (the client library's log), but not with -s, which prints nothing but what
     * was asked for, as curl -s -k prints nothing (the warning was printed before 2026-12-06). In a process of its
     * own: the log goes to the process's standard error.
     */
    @Test
    void silentPrintsNoWarningOfInsecure() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            assertEquals("", standardError("-k", "-s", "-o", "/dev/null", plainUrl));
            assertTrue(standardError("-k", "-o", "/dev/null", plainUrl).contains("insecureTrustAll"),
                    "warned without -s");
        });
    }

    /** What {@code wisp get} in a process of its own wrote to standard error; it must succeed. */
    private static String standardError(String... arguments) throws Exception {
        Path err = Files.createTempFile(directory, "err", ".txt");
        List<String> command = new ArrayList<>(List.of("get"));
        command.addAll(List.of(arguments));
        Process get = WispProcess.command(command.toArray(String[]::new)).redirectError(err.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            assertTrue(get.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS), "wisp get still running");
            assertEquals(0, get.exitValue(), () -> String.join(" ", command) + ": " + read(err));
            return read(err);
        } finally {
            get.destroyForcibly();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    @Test
    void sendsAClientCertificateWithCertAndKey() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            both(0, "--cacert", ca.toString(), "--cert", clientCert.toString(), "--key", clientKey.toString(),
                    mutualUrl);
            both(35, "--cacert", ca.toString(), mutualUrl);
        });
    }

    @Test
    void exitsWithCurlsCodesForUnusableFiles() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            String missing = directory.resolve("missing.pem").toString();
            Run badKey = both(58, "--cacert", ca.toString(), "--cert", clientCert.toString(), "--key", missing,
                    mutualUrl);
            assertTrue(badKey.stderr().contains("missing.pem"), badKey.stderr());
            both(77, "--cacert", missing, plainUrl);
            assertEquals(2, wisp("--key", clientKey.toString(), plainUrl).exitCode(), "--key needs --cert");
        });
    }

    @Test
    void pinnedPubkeyRequiresTheServersKeyAsCurlsDoes() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            String pin = PublicKeyPin.pinOf(server.certificate());
            String right = "sha256//" + pin.substring("sha256/".length());
            String wrong = "sha256//" + Base64.getEncoder().encodeToString(new byte[32]);
            both(0, "--cacert", ca.toString(), "--pinnedpubkey", right, plainUrl);
            both(0, "--cacert", ca.toString(), "--pinnedpubkey", wrong + ";" + right, plainUrl);
            Run mismatch = both(90, "--cacert", ca.toString(), "--pinnedpubkey", wrong, plainUrl);
            assertTrue(mismatch.stderr().contains("none of the public keys of the server's chain is pinned for"
                    + " localhost") && mismatch.stderr().contains(pin), mismatch.stderr());
            both(90, "-k", "--pinnedpubkey", wrong, plainUrl);
            both(60, "--pinnedpubkey", right, plainUrl); // a pin is checked on top of the usual checks

            Path publicKey = Files.writeString(directory.resolve("server-public.pem"), "-----BEGIN PUBLIC KEY-----\n"
                    + Base64.getMimeEncoder().encodeToString(server.keyPair().getPublic().getEncoded())
                    + "\n-----END PUBLIC KEY-----\n");
            both(0, "--cacert", ca.toString(), "--pinnedpubkey", publicKey.toString(), plainUrl);
            Path der = Files.write(directory.resolve("server-public.der"),
                    server.keyPair().getPublic().getEncoded());
            both(0, "--cacert", ca.toString(), "--pinnedpubkey", der.toString(), plainUrl);
            // The CA's key: curl pins the server's own key only; wisp, as OkHttp, any key of the chain up to the CA.
            Path caKey = Files.write(directory.resolve("ca-public.der"), CA.keyPair().getPublic().getEncoded());
            assertEquals(0, wisp("--cacert", ca.toString(), "--pinnedpubkey", caKey.toString(), plainUrl).exitCode());
            assertEquals(90, curl("--cacert", ca.toString(), "--pinnedpubkey", caKey.toString(), plainUrl));
            Path otherKey = Files.write(directory.resolve("other-public.der"),
                    TestCertificates.ca(KeyType.EC).keyPair().getPublic().getEncoded());
            both(90, "--cacert", ca.toString(), "--pinnedpubkey", otherKey.toString(), plainUrl);

            Run malformed = wisp("--pinnedpubkey", "sha256//short", plainUrl);
            assertEquals(2, malformed.exitCode(), malformed.stderr());
            assertTrue(malformed.stderr().contains("--pinnedpubkey"), malformed.stderr());
        });
    }

    @Test
    void connectTimeoutLimitsTheTlsHandshakeAsCurlsDoes() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
                // Accepted by the kernel's backlog and never answered: TCP is up, the handshake never ends.
                String url = "https://127.0.0.1:" + silent.getLocalPort() + "/";
                Run run = both(28, "--connect-timeout", "0.3", url);
                assertEquals("wisp get: TLS handshake with 127.0.0.1:" + silent.getLocalPort()
                        + " exceeded 300 ms (--connect-timeout)\n", run.stderr());
            }
        });
    }
}
