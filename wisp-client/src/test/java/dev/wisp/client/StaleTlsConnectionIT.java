package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.testing.TestCertificate;
import dev.wisp.testing.TestCertificate.KeyType;
import dev.wisp.testing.TestCertificates;
import dev.wisp.tls.TlsConfig;
import dev.wisp.tls.TlsIdentity;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The stale check under TLS, against Wisp's HTTPS server closing idle connections with a close_notify: the
 * client must decrypt to tell that alert from a session ticket, and does so before reuse, so even a POST, which
 * is never retried, goes out on a new connection. Session tickets that arrive while a connection is idle leave
 * it in use.
 */
class StaleTlsConnectionIT {
    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final TestCertificate CA = TestCertificates.ca(KeyType.EC);
    private static final TestCertificate SERVER = TestCertificates.server(CA, KeyType.EC);

    private static Server start(String protocol, Duration idleTimeout) throws Exception {
        TlsConfig tls = TlsConfig.builder().identity(TlsIdentity.pem(SERVER.chainPem(), SERVER.keys().pkcs8Pem()))
                .protocols(protocol).build();
        Router router = Router.builder().get("/", (request, response) -> response.send("ok"))
                .post("/", (request, response) -> response.send("posted " + request.body().readAllBytes().length))
                .build();
        return Server.create(ServerConfig.builder().port(0).tls(tls).idleTimeout(idleTimeout).build(), router)
                .start();
    }

    private static ClientConfig trusting() {
        return ClientConfig.builder().tls(TlsConfig.builder().trustedCertificates(java.util.List.of(CA.certificate()))
                .build()).build();
    }

    private static void awaitNoConnections(Server server) throws InterruptedException {
        for (int i = 0; i < 500 && server.connectionCount() > 0; i++) {
            Thread.sleep(10); // polling the server's own count; bounded to 5 s
        }
        assertEquals(0, server.connectionCount());
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void noticesACloseNotifyBeforeReuseSoAPostGoesOnANewConnection(String protocol) {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Server server = start(protocol, Duration.ofMillis(200)); Client client = Client.create(trusting())) {
                String url = "https://localhost:" + server.port() + "/";
                assertEquals("ok", client.send(Request.get(url)).text());
                assertEquals(1, client.openConnections());
                awaitNoConnections(server);
                Response posted = client.send(Request.builder(url).method("POST").body("data").build());
                assertEquals("posted 4", posted.text());
                assertFalse(posted.timing().connectionReused(), "the closed connection was noticed and dropped");
                assertTrue(posted.timing().tlsResumed(), "the new connection resumes the session");
                assertEquals(1, client.openConnections());
            }
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void keepsAConnectionWhoseIdleBytesWereOnlySessionTickets(String protocol) {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Server server = start(protocol, Duration.ofSeconds(30));
                    ClientConnection connection = ClientConnection.connect(Origin.tls("localhost", server.port()),
                            trusting())) {
                // No request yet: under TLS 1.3 the server's tickets arrive after the handshake and wait unread.
                for (int i = 0; i < 500 && server.connectionCount() == 0; i++) {
                    Thread.sleep(10); // polling the server's own count; bounded to 5 s
                }
                for (int i = 0; i < 3; i++) {
                    Response response = connection.send(Request.get(connection.origin().uri("/").toString()));
                    assertEquals("ok", response.text());
                    assertEquals(i > 0, response.timing().connectionReused());
                }
                assertTrue(connection.isConnected());
            }
        });
    }
}
