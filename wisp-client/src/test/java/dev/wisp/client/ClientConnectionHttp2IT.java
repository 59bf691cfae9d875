package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.core.Version;
import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.testing.TestCertificate;
import dev.wisp.testing.TestCertificate.KeyType;
import dev.wisp.testing.TestCertificates;
import dev.wisp.tls.TlsConfig;
import dev.wisp.tls.TlsIdentity;
import dev.wisp.websocket.WebSocket;
import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@link ClientConnection} that speaks HTTP/2 when its configuration asks by prior knowledge: h2c and h2 by ALPN
 * against Wisp's server, calls at once as streams up to the server's limit, a disconnect and a reconnect, a WebSocket
 * as a stream beside requests (RFC 8441), and nghttpd, which takes no WebSocket; the default stays HTTP/1.1.
 */
class ClientConnectionHttp2IT {
    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final TestCertificate CA = TestCertificates.ca(KeyType.EC);
    private static final TestCertificate CERTIFICATE = TestCertificates.server(CA, KeyType.EC);

    @TempDir
    Path directory;
    /** Released once for each /wait request that entered its handler. */
    private final Semaphore entered = new Semaphore(0);
    private final CountDownLatch release = new CountDownLatch(1);
    private Server server;

    private Server start(boolean tls, int maxConcurrentStreams) {
        Router router = Router.builder()
                .get("/hello", (request, response) -> response.send("hello " + request.protocol() + "\n"))
                .get("/wait", (request, response) -> {
                    entered.release();
                    try {
                        release.await(20, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    response.send("released\n");
                })
                .blockingWebSocket("/echo", WebSocketConfig.defaults(), (request, webSocket) -> {
                    for (Optional<WebSocketMessage> message; (message = webSocket.receive()).isPresent(); ) {
                        if (message.get() instanceof WebSocketMessage.Text text) {
                            webSocket.sendText(request.protocol() + " " + text.text());
                        }
                    }
                })
                .build();
        ServerConfig.Builder config = ServerConfig.builder().port(0).http2(true)
                .maxConcurrentStreams(maxConcurrentStreams);
        if (tls) {
            config.tls(TlsConfig.builder().identity(TlsIdentity.pem(CERTIFICATE.chainPem(),
                    CERTIFICATE.keys().pkcs8Pem())).build());
        }
        server = Server.create(config.build(), router).start();
        return server;
    }

    private static ClientConfig clientConfig(boolean tls, Http2Mode mode) {
        ClientConfig.Builder config = ClientConfig.builder().http2(mode);
        if (tls) {
            config.tls(TlsConfig.builder().trustedCertificatesPem(CA.certificatePem()).build());
        }
        return config.build();
    }

    private static Origin origin(boolean tls, Server server) {
        return tls ? Origin.tls("localhost", server.port()) : Origin.plaintext("127.0.0.1", server.port());
    }

    /** The answer to GET /hello on the connection. */
    private static String hello(ClientConnection connection) throws Exception {
        try (Response hello = connection.send(Request.get(connection.origin().uri("/hello").toString()))) {
            return hello.text();
        }
    }

    @AfterEach
    void stop() {
        release.countDown();
        if (server != null) {
            server.stop(Duration.ZERO);
        }
    }

    @Test
    void callsRunAtOnceAsStreamsUpToTheServersLimit() {
        assertTimeoutPreemptively(LIMIT, () -> {
            start(false, 3);
            try (ClientConnection connection = ClientConnection.connect(origin(false, server),
                    clientConfig(false, Http2Mode.PRIOR_KNOWLEDGE))) {
                assertEquals(Version.HTTP_2, connection.protocol());
                List<CompletableFuture<Response>> calls = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    calls.add(connection.sendAsync(Request.get(connection.origin().uri("/wait").toString())));
                }
                // Over HTTP/1.1 the second would wait for the first; here three run, the rest wait for a place.
                assertTrue(entered.tryAcquire(3, 10, TimeUnit.SECONDS), "three handlers at once");
                assertFalse(entered.tryAcquire(1, 300, TimeUnit.MILLISECONDS), "a fourth beyond the server's limit");
                release.countDown();
                for (CompletableFuture<Response> call : calls) {
                    try (Response response = call.get(10, TimeUnit.SECONDS)) {
                        assertEquals(Version.HTTP_2, response.version());
                        assertEquals("released\n", response.text());
                    }
                }
                assertEquals("hello HTTP/2\n", hello(connection));
            }
        });
    }

    @Test
    void negotiatesH2OverTlsAndStaysHttp11ByDefault() {
        assertTimeoutPreemptively(LIMIT, () -> {
            start(true, 100);
            try (ClientConnection connection = ClientConnection.connect(origin(true, server),
                    clientConfig(true, Http2Mode.PRIOR_KNOWLEDGE))) {
                assertEquals(Version.HTTP_2, connection.protocol());
                assertEquals("h2", connection.tlsSession().orElseThrow().alpnProtocol().orElseThrow());
                assertEquals("hello HTTP/2\n", hello(connection));
            }
            try (ClientConnection connection = ClientConnection.connect(origin(true, server),
                    clientConfig(true, Http2Mode.NEGOTIATE))) {
                assertEquals(Version.HTTP_1_1, connection.protocol(), "an upgradeable connection by default");
                assertEquals("http/1.1", connection.tlsSession().orElseThrow().alpnProtocol().orElseThrow());
                assertEquals("hello HTTP/1.1\n", hello(connection));
            }
        });
    }

    @Test
    void aDisconnectFailsItsStreamsAndLaterCallsUntilAReconnect() {
        assertTimeoutPreemptively(LIMIT, () -> {
            start(false, 100);
            try (ClientConnection connection = ClientConnection.connect(origin(false, server),
                    clientConfig(false, Http2Mode.PRIOR_KNOWLEDGE))) {
                String wait = connection.origin().uri("/wait").toString();
                CompletableFuture<Response> waiting = connection.sendAsync(Request.get(wait));
                assertTrue(entered.tryAcquire(1, 10, TimeUnit.SECONDS));
                connection.disconnect();
                Exception failed = assertThrows(Exception.class, () -> waiting.get(10, TimeUnit.SECONDS));
                assertTrue(failed.getCause() instanceof HttpCallException, failed.toString());
                assertFalse(connection.isConnected());
                ConnectionClosedException closed = assertThrows(ConnectionClosedException.class,
                        () -> connection.send(Request.get(connection.origin().uri("/hello").toString())));
                assertTrue(closed.getMessage().contains("reconnect()"), closed.getMessage());
                connection.reconnect();
                assertTrue(connection.isConnected());
                assertEquals("hello HTTP/2\n", hello(connection));
            }
        });
    }

    @Test
    void aWebSocketIsAStreamBesideRequests() {
        assertTimeoutPreemptively(LIMIT, () -> {
            start(false, 100);
            try (ClientConnection connection = ClientConnection.connect(origin(false, server),
                    clientConfig(false, Http2Mode.PRIOR_KNOWLEDGE))) {
                WebSocket webSocket = connection.upgradeToWebSocket(
                        Request.get(connection.origin().uri("/echo").toString()), WebSocketConfig.defaults());
                webSocket.sendText("one");
                assertEquals(new WebSocketMessage.Text("HTTP/2 one"), webSocket.receive().orElseThrow());
                assertEquals("hello HTTP/2\n", hello(connection), "the connection carries requests beside it");
                webSocket.sendText("two");
                assertEquals(new WebSocketMessage.Text("HTTP/2 two"), webSocket.receive().orElseThrow());
                webSocket.close(1000, "done");
            }
        });
    }

    @Test
    void nghttpdServesStreamsAndTakesNoWebSocket() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Http2Peer nghttpd = Http2ServerPrograms.nghttpd(directory, false);
                    ClientConnection connection = ClientConnection.connect(
                            Origin.plaintext("127.0.0.1", nghttpd.port()),
                            clientConfig(false, Http2Mode.PRIOR_KNOWLEDGE))) {
                assertEquals(Version.HTTP_2, connection.protocol());
                List<CompletableFuture<Response>> calls = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    calls.add(connection.sendAsync(Request.get(nghttpd.url("/index.html"))));
                }
                for (CompletableFuture<Response> call : calls) {
                    try (Response response = call.get(10, TimeUnit.SECONDS)) {
                        assertEquals("hello peer\n", response.text());
                    }
                }
                IllegalStateException refused = assertThrows(IllegalStateException.class,
                        () -> connection.upgradeToWebSocket(Request.get(nghttpd.url("/ws")),
                                WebSocketConfig.defaults()));
                assertTrue(refused.getMessage().contains("SETTINGS_ENABLE_CONNECT_PROTOCOL"), refused.getMessage());
                try (Response after = connection.send(Request.get(nghttpd.url("/index.html")))) {
                    assertEquals(200, after.statusCode(), "the refusal left the connection as it was");
                }
            }
        });
    }
}
