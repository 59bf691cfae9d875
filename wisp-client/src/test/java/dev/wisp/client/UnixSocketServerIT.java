package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

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
import dev.wisp.websocket.WebSocketListener;
import dev.wisp.websocket.WebSocketMessage;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Wisp's client and server over a Unix domain socket ({@code ServerConfig.unixSocket}, {@code SocketOptions
 * .unixSocket}): many calls at once, uploads beside downloads on one HTTP/2 connection (its reading thread reads while
 * handlers write), over h2c and over TLS with h2 by ALPN and the host verified, and HTTP/1.1 with WebSockets.
 */
class UnixSocketServerIT {
    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static final TestCertificate CA = TestCertificates.ca(KeyType.EC);
    private static final TestCertificate CERTIFICATE = TestCertificates.server(CA, KeyType.EC);
    private static final byte[] LARGE = new byte[4 << 20];

    static {
        new Random(9).nextBytes(LARGE);
    }

    @TempDir
    Path directory;
    private Server server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(Duration.ZERO);
        }
    }

    @ParameterizedTest(name = "{0}, {1}")
    @CsvSource({"false, PRIOR_KNOWLEDGE, HTTP_2", "true, NEGOTIATE, HTTP_2", "false, OFF, HTTP_1_1",
        "true, OFF, HTTP_1_1"})
    void callsUploadsDownloadsAndWebSocketsGoThroughTheSocket(boolean tls, Http2Mode mode, Version expected) {
        assertTimeoutPreemptively(LIMIT, () -> {
            Path socket = directory.resolve("wisp.sock");
            Router router = Router.builder()
                    .get("/large", (request, response) -> response.send(LARGE))
                    .post("/sha", (request, response) -> response.send(sha256(request.bodyBytes())))
                    .webSocket("/ws", WebSocketConfig.defaults(), request -> WebSocketListener.echo())
                    .build();
            ServerConfig.Builder config = ServerConfig.builder().unixSocket(socket).http2(true);
            ClientConfig.Builder client = ClientConfig.builder().http2(mode)
                    .socketOptions(SocketOptions.builder().unixSocket(socket).build());
            if (tls) {
                config.tls(TlsConfig.builder().identity(TlsIdentity.pem(CERTIFICATE.chainPem(),
                        CERTIFICATE.keys().pkcs8Pem())).build());
                client.tls(TlsConfig.builder().trustedCertificatesPem(CA.certificatePem()).build());
            }
            server = Server.create(config.build(), router).start();
            String base = (tls ? "https" : "http") + "://localhost";
            byte[] upload = new byte[3 << 20];
            new Random(5).nextBytes(upload);
            try (Client calls = Client.create(client.build())) {
                List<CompletableFuture<String>> answers = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    answers.add(calls.sendAsync(Request.get(base + "/large")).thenApply(response -> {
                        try (response) {
                            assertEquals(expected, response.version());
                            return sha256(response.bytes());
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }));
                    answers.add(calls.sendAsync(Request.builder(java.net.URI.create(base + "/sha")).method("POST")
                            .body(upload).build()).thenApply(response -> {
                                try (response) {
                                    return response.text();
                                } catch (Exception e) {
                                    throw new IllegalStateException(e);
                                }
                            }));
                }
                for (int i = 0; i < answers.size(); i++) {
                    assertEquals(sha256(i % 2 == 0 ? LARGE : upload), answers.get(i).join(), "call " + i);
                }
                WebSocket webSocket = calls.webSocket((tls ? "wss" : "ws") + "://localhost/ws",
                        WebSocketConfig.defaults());
                webSocket.sendText("over a unix socket");
                assertEquals("over a unix socket",
                        ((WebSocketMessage.Text) webSocket.receive().orElseThrow()).text());
                webSocket.close();
            }
        });
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }
}
