package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.tls.TlsSessionInfo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS against openssl s_server: verification on by default, its failures explained, sessions resumed. */
class OpensslTlsIT {
    private static final Duration LIMIT = Duration.ofSeconds(30);
    @TempDir
    static Path directory;
    private static OpensslPeer peer;

    @BeforeAll
    static void start() throws Exception {
        peer = OpensslPeer.start(directory);
    }

    @AfterAll
    static void stop() throws Exception {
        if (peer != null) {
            peer.close();
        }
    }

    @Test
    void talksTlsToATrustedServerAndResumesTheSession() {
        assertTimeoutPreemptively(LIMIT, () -> {
            List<String> events = new CopyOnWriteArrayList<>();
            ClientConfig config = ClientConfig.builder().tls(peer.trustingTls())
                    .eventListener(new EventListener() {
                        @Override
                        public void tlsHandshakeDone(ConnectionInfo connection, TlsSessionInfo session) {
                            events.add(session.protocol() + (session.resumed() ? " resumed" : ""));
                        }
                    }).build();
            try (Client client = Client.create(config)) {
                Response first = client.send(Request.get("https://localhost:" + peer.port() + "/"));
                assertEquals(200, first.statusCode());
                assertTrue(first.text().contains("s_server"));
                assertTrue(first.timing().tls().toNanos() > 0);
                assertFalse(first.timing().tlsResumed());
                Response second = client.send(Request.get("https://localhost:" + peer.port() + "/"));
                second.text();
                assertTrue(second.timing().tlsResumed(), second.timing().toString());
                assertEquals(List.of("TLSv1.3", "TLSv1.3 resumed"), events);
                assertEquals(0, client.openConnections(), "s_server -www closes after each response");
            }
        });
    }

    @Test
    void refusesAServerTheJdkDoesNotTrustAndSaysWhy() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Client client = Client.create()) {
                TlsHandshakeException e = assertThrows(TlsHandshakeException.class,
                        () -> client.send(Request.get("https://localhost:" + peer.port() + "/")));
                assertTrue(e.reason().contains("unable to find valid certification path"), e.reason());
                assertTrue(e.getMessage().startsWith("TLS handshake with localhost:" + peer.port() + " failed: "));
                assertEquals(0, client.openConnections());
            }
        });
    }

    @Test
    void verifiesTheHostNameEvenWhenTheCertificateIsTrusted() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Client client = Client.create(ClientConfig.builder().tls(peer.trustingTls()).build())) {
                TlsHandshakeException e = assertThrows(TlsHandshakeException.class,
                        () -> client.send(Request.get("https://127.0.0.1:" + peer.port() + "/")));
                assertTrue(e.reason().contains("No subject alternative names matching IP address 127.0.0.1"),
                        e.reason());
                assertEquals(0, client.openConnections());
            }
        });
    }

    @Test
    void connectsAnExplicitTlsConnection() {
        assertTimeoutPreemptively(LIMIT, () -> {
            ClientConfig config = ClientConfig.builder().tls(peer.trustingTls()).build();
            try (ClientConnection connection = ClientConnection.connect(Origin.tls("localhost", peer.port()), config)) {
                assertTrue(connection.isConnected());
                Response response = connection.send(Request.get(connection.origin().uri("/").toString()));
                assertTrue(response.text().contains("s_server"));
                assertFalse(connection.isConnected(), "s_server -www answers HTTP/1.0 and closes");
            }
        });
    }
}
