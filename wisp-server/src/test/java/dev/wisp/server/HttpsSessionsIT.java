package dev.wisp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.wisp.testing.PeerTools;
import dev.wisp.testing.TestCertificate;
import dev.wisp.testing.TestCertificates;
import dev.wisp.testing.TestTransport;
import dev.wisp.tls.TlsConfig;
import dev.wisp.tls.TlsIdentity;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Session resumption, certificates chosen by SNI, and key material rotated while serving. */
class HttpsSessionsIT {
    private static final Duration PEER_LIMIT = Duration.ofSeconds(20);

    @BeforeAll
    static void chooseTheirOwnTransports() {
        assumeFalse(TestTransport.isTls(), "these tests choose their TLS peers themselves");
    }

    /** Records every connection's TLS facts at open and at close. */
    private static final class Sessions implements ConnectionListener {
        final BlockingQueue<ConnectionInfo> opened = new LinkedBlockingQueue<>();
        final BlockingQueue<ConnectionInfo> closed = new LinkedBlockingQueue<>();

        @Override
        public void opened(ConnectionInfo connection) {
            opened.add(connection);
        }

        @Override
        public void closed(ConnectionInfo connection, String reason) {
            closed.add(connection);
        }

        ConnectionInfo nextOpened() throws InterruptedException {
            ConnectionInfo info = opened.poll(10, TimeUnit.SECONDS);
            assertTrue(info != null, "a connection was opened");
            return info;
        }
    }

    private static PeerTools.Result sClient(int port, String version, String... session) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(PeerTools.require("openssl").toString(),
                "s_client", "-connect", "127.0.0.1:" + port, "-servername", "localhost", version, "-CAfile",
                TestTls.file("ca.pem"), "-verify_return_error", "-ign_eof"));
        command.addAll(List.of(session));
        return PeerTools.runWithInput(PEER_LIMIT, command, "GET /hello HTTP/1.1\r\nHost: localhost\r\n"
                + "Connection: close\r\n\r\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-tls1_3", "-tls1_2"})
    void resumesASessionOpensslSaved(String version, @TempDir Path directory) throws Exception {
        Sessions sessions = new Sessions();
        try (Server server = TestServers.start(TestServers.config().connectionListener(sessions)
                .tls(TestTls.server().build()), TestServers.helloAndEcho())) {
            String saved = directory.resolve("session.pem").toString();
            PeerTools.Result first = sClient(server.port(), version, "-sess_out", saved);
            assertTrue(first.stdout().contains("hello"), first.stdout() + first.stderr());
            assertFalse(sessions.nextOpened().tls().orElseThrow().resumed());
            PeerTools.Result second = sClient(server.port(), version, "-sess_in", saved);
            assertTrue(second.stdout().contains("Reused, "), second.stdout());
            assertTrue(sessions.nextOpened().tls().orElseThrow().resumed());
            assertTrue(sessions.closed.poll(10, TimeUnit.SECONDS).tls().isPresent(), "closed carries the session");
        }
    }

    @Test
    void resumptionSwitchedOffMakesEveryHandshakeFull(@TempDir Path directory) throws Exception {
        try (Server server = TestServers.start(TestServers.config()
                .tls(TestTls.server().protocols("TLSv1.3").sessionResumption(false).build()),
                TestServers.helloAndEcho())) {
            Path saved = directory.resolve("session.pem");
            PeerTools.Result first = sClient(server.port(), "-tls1_3", "-sess_out", saved.toString());
            assertTrue(first.stdout().contains("hello"), first.stdout() + first.stderr());
            // openssl keeps a session only if the server made it resumable (a ticket).
            if (Files.exists(saved)) {
                PeerTools.Result second = sClient(server.port(), "-tls1_3", "-sess_in", saved.toString());
                assertTrue(second.stdout().contains("New, "), second.stdout() + second.stderr());
            }
        }
    }

    @Test
    void resumptionSwitchedOffWithTls12IsRefusedAtStartWhileTheJdkOffersTickets() {
        Server server = Server.create(TestServers.config().port(0)
                .tls(TestTls.server().sessionResumption(false).build()).build(), TestServers.helloAndEcho());
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, server::start);
        assertTrue(refused.getMessage().startsWith("sessionResumption(false) with TLS 1.2 needs"),
                refused.getMessage());
    }

    @Test
    void choosesTheCertificateBySni() throws Exception {
        TestCertificate other = TestCertificates.server(TestTls.CA, TestCertificate.KeyType.RSA, "other.test");
        TlsConfig tls = TestTls.server()
                .identity(TlsIdentity.pem(other.chainPem(), other.keys().pkcs8Pem())).build();
        try (Server server = TestServers.start(TestServers.config().tls(tls), TestServers.helloAndEcho())) {
            assertEquals(TestTls.SERVER.certificate().getSerialNumber(), servedSerial(server.port(), "localhost"));
            assertEquals(other.certificate().getSerialNumber(), servedSerial(server.port(), "other.test"));
        }
    }

    @Test
    void rotatesKeyMaterialForNewConnectionsFromTheApiAndByWatchingFiles(@TempDir Path directory)
            throws Exception {
        Path chain = directory.resolve("chain.pem");
        Path key = directory.resolve("key.pem");
        write(TestTls.SERVER, chain, key);
        TlsConfig tls = TlsConfig.builder().identity(TlsIdentity.pemFiles(chain, key)).build();
        try (Server server = TestServers.start(TestServers.config().tls(tls)
                .tlsFileWatchInterval(Duration.ofMillis(50)), TestServers.helloAndEcho())) {
            assertEquals(TestTls.SERVER.certificate().getSerialNumber(), servedSerial(server.port(), "localhost"));
            TestCertificate renewed = TestCertificates.server(TestTls.CA, TestCertificate.KeyType.EC);
            write(renewed, chain, key);
            server.reloadTls();
            assertEquals(renewed.certificate().getSerialNumber(), servedSerial(server.port(), "localhost"));
            TestCertificate again = TestCertificates.server(TestTls.CA, TestCertificate.KeyType.EC);
            write(again, chain, key);
            BigInteger expected = again.certificate().getSerialNumber();
            // The watcher may still be reloading the previous change: wait for this one's certificate.
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                while (!server.tls().certificateChains().get(0).get(0).getSerialNumber().equals(expected)) {
                    Thread.onSpinWait();
                }
            }, "the watcher reloads the changed files");
            assertEquals(again.certificate().getSerialNumber(), servedSerial(server.port(), "localhost"));
        }
    }

    /** Replaces both files by rename, as rotation tools do, so the watcher never sees half of them. */
    private static void write(TestCertificate certificate, Path chain, Path key) throws Exception {
        Path newChain = Files.writeString(chain.resolveSibling("chain.new"), certificate.chainPem());
        Path newKey = Files.writeString(key.resolveSibling("key.new"), certificate.keys().pkcs8Pem());
        Files.move(newKey, key, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.move(newChain, chain, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static BigInteger servedSerial(int port, String serverName) throws Exception {
        javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) TestTls.trustingClientContext()
                .getSocketFactory().createSocket("127.0.0.1", port);
        try (socket) {
            javax.net.ssl.SSLParameters parameters = socket.getSSLParameters();
            parameters.setServerNames(List.of(new javax.net.ssl.SNIHostName(serverName)));
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            return ((java.security.cert.X509Certificate) socket.getSession().getPeerCertificates()[0])
                    .getSerialNumber();
        }
    }
}
