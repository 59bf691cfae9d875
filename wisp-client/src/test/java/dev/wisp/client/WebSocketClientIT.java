package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.testing.TestCertificate;
import dev.wisp.testing.TestCertificate.KeyType;
import dev.wisp.testing.TestCertificates;
import dev.wisp.testing.ThreadDumps;
import dev.wisp.tls.TlsConfig;
import dev.wisp.tls.TlsIdentity;
import dev.wisp.websocket.WebSocket;
import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketListener;
import dev.wisp.websocket.WebSocketMessage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The client's WebSockets against Wisp's own server, over ws and wss: by URL with a listener or blocking, the
 * upgrade of a connection that carried HTTP requests first (and HTTP refused on it afterwards), and refusals. Idle
 * WebSockets read by a listener park no thread: their waits for the next frame go to the client's input watcher,
 * and a fresh thread reads the frame when it comes, from the server unasked as well as in answer (counted in a dump
 * of this JVM's threads, virtual ones included).
 */
class WebSocketClientIT {
    private static final Duration LIMIT = Duration.ofSeconds(20);
    private static final TestCertificate CA = TestCertificates.ca(KeyType.EC);
    private static final TestCertificate SERVER = TestCertificates.server(CA, KeyType.EC);
    private static final WebSocketConfig CONFIG = WebSocketConfig.builder().permessageDeflate(true)
            .subprotocols(List.of("echo")).build();
    private static final int IDLE_WEBSOCKETS = 12;
    /** A frame of the session's reading loop, which a thread waiting for a frame has on its stack. */
    private static final String READING_LOOP = "WebSocketSession.read(";
    /** The names of the client's WebSocket threads (the server's, in this JVM too, are others). */
    private static final String CLIENT_THREADS = "wisp-ws-";

    private Server server;
    private Client client;

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.stop(Duration.ZERO);
        }
    }

    private String start(boolean tls) throws Exception {
        Router router = Router.builder()
                .get("/hello", (request, response) -> response.send("hello\n"))
                .get("/hostile", (request, response) -> // a terminal title, then a clear screen
                        response.send("\u001b]0;owned\u0007\u001b[2J" + "x".repeat(100)))
                .webSocket("/idle", WebSocketConfig.defaults(), request -> new WebSocketListener() {
                    @Override
                    public void onText(WebSocket webSocket, String text) throws IOException {
                        if (text.equals("push later")) {
                            Thread.ofVirtual().start(() -> pushLater(webSocket));
                        } else {
                            webSocket.sendText(text);
                        }
                    }
                })
                .blockingWebSocket("/echo", CONFIG, (request, webSocket) -> {
                    for (Optional<WebSocketMessage> message; (message = webSocket.receive()).isPresent(); ) {
                        if (message.get() instanceof WebSocketMessage.Text text) {
                            webSocket.sendText(text.text());
                        }
                    }
                })
                .build();
        ServerConfig.Builder config = ServerConfig.builder().port(0);
        ClientConfig.Builder clientConfig = ClientConfig.builder();
        if (tls) {
            config.tls(TlsConfig.builder().identity(TlsIdentity.pem(SERVER.chainPem(), SERVER.keys().pkcs8Pem()))
                    .build());
            clientConfig.tls(TlsConfig.builder().trustedCertificatesPem(CA.certificatePem()).build());
        }
        server = Server.create(config.build(), router).start();
        client = Client.create(clientConfig.build());
        return (tls ? "wss" : "ws") + "://localhost:" + server.port();
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void opensByUrlWithAListener(boolean tls) {
        assertTimeoutPreemptively(LIMIT, () -> {
            String base = start(tls);
            RecordingListener events = new RecordingListener();
            WebSocket webSocket = client.webSocket(base + "/echo", CONFIG, events);
            assertEquals("open", events.next(5, TimeUnit.SECONDS));
            assertEquals(Optional.of("echo"), webSocket.subprotocol());
            webSocket.sendText("über");
            assertEquals("text über", events.next(5, TimeUnit.SECONDS));
            webSocket.close();
            assertEquals("close 1000", events.next(5, TimeUnit.SECONDS));
        });
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void idleWebSocketsHoldNoThreadAndHearWhatComesNext(boolean tls, @TempDir Path folder) {
        assertTimeoutPreemptively(LIMIT, () -> {
            String base = start(tls);
            List<WebSocket> webSockets = new ArrayList<>();
            List<RecordingListener> events = new ArrayList<>();
            for (int i = 0; i < IDLE_WEBSOCKETS; i++) {
                RecordingListener listener = new RecordingListener();
                webSockets.add(client.webSocket(base + "/idle", WebSocketConfig.defaults(), listener));
                events.add(listener);
                assertEquals("open", listener.next(5, TimeUnit.SECONDS));
            }
            exchange(webSockets, events, "first");
            Thread.sleep(300); // past the 50 ms a new session waits on its own thread, twice
            long reading = ThreadDumps.threadsIn(READING_LOOP, CLIENT_THREADS, folder.resolve("idle.txt"));
            assertEquals(0, reading, reading + " threads in a WebSocket's reading loop while nothing arrives");

            exchange(webSockets, events, "second");
            for (WebSocket webSocket : webSockets) {
                webSocket.sendText("push later"); // the server sends "pushed" 300 ms on, while this one is idle
            }
            for (RecordingListener listener : events) {
                assertEquals("text pushed", listener.next(5, TimeUnit.SECONDS));
            }
            Thread.sleep(300);
            assertEquals(0, ThreadDumps.threadsIn(READING_LOOP, CLIENT_THREADS, folder.resolve("idle-again.txt")));
            for (int i = 0; i < IDLE_WEBSOCKETS; i++) {
                webSockets.get(i).close();
                assertEquals("close 1000", events.get(i).next(5, TimeUnit.SECONDS));
            }
        });
    }

    /** Each WebSocket sends the text and hears it echoed. */
    private static void exchange(List<WebSocket> webSockets, List<RecordingListener> events, String text)
            throws IOException, InterruptedException {
        for (WebSocket webSocket : webSockets) {
            webSocket.sendText(text);
        }
        for (RecordingListener listener : events) {
            assertEquals("text " + text, listener.next(5, TimeUnit.SECONDS));
        }
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void opensByUrlForBlockingReads(boolean tls) {
        assertTimeoutPreemptively(LIMIT, () -> {
            String base = start(tls);
            try (WebSocket webSocket = client.webSocket(base + "/echo", CONFIG)) {
                webSocket.sendText("one");
                assertEquals(Optional.of(new WebSocketMessage.Text("one")), webSocket.receive());
            }
        });
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void upgradesAConnectionThatCarriedRequestsAndRefusesHttpOnItAfterwards(boolean tls) {
        assertTimeoutPreemptively(LIMIT, () -> {
            start(tls);
            Origin origin = tls ? Origin.tls("localhost", server.port()) : Origin.plaintext("localhost",
                    server.port());
            try (ClientConnection connection = ClientConnection.connect(origin, client.config())) {
                for (int i = 0; i < 2; i++) {
                    try (Response response = connection.send(Request.get(origin.uri("/hello").toString()))) {
                        assertEquals("hello\n", response.text());
                    }
                }
                WebSocket webSocket = connection.upgradeToWebSocket(Request.builder(origin.uri("/echo"))
                        .header("Sec-WebSocket-Protocol", "echo").build(), WebSocketConfig.defaults());
                assertEquals(Optional.of("echo"), webSocket.subprotocol());
                webSocket.sendText("upgraded");
                assertEquals(Optional.of(new WebSocketMessage.Text("upgraded")), webSocket.receive());
                IllegalStateException refused = assertThrows(IllegalStateException.class,
                        () -> connection.send(Request.get(origin.uri("/hello").toString())));
                assertTrue(refused.getMessage().contains("upgraded to WebSocket"), refused.getMessage());
                webSocket.close();
                assertFalse(webSocket.isOpen());
                connection.reconnect();
                try (Response response = connection.send(Request.get(origin.uri("/hello").toString()))) {
                    assertEquals(200, response.status().code());
                }
            }
        });
    }

    @Test
    void givesTheRefusalBackWithItsStatusAndBody() {
        assertTimeoutPreemptively(LIMIT, () -> {
            String base = start(false);
            WebSocketRefusedException refused = assertThrows(WebSocketRefusedException.class,
                    () -> client.webSocket(base + "/nowhere", CONFIG));
            assertEquals(404, refused.status().code());
            assertEquals("no route for /nowhere\n", new String(refused.body()));
            assertEquals("WebSocket upgrade of " + base + "/nowhere refused: 404 Not Found (no route for /nowhere)",
                    refused.getMessage(), "names the URL as the caller gave it, ws: rather than http:");
            refused = assertThrows(WebSocketRefusedException.class, () -> client.webSocket(base + "/hello", CONFIG));
            assertEquals(200, refused.status().code(), "a server may ignore Upgrade (RFC 9110 §7.8)");
            refused = assertThrows(WebSocketRefusedException.class, () -> client.webSocket(base + "/hostile", CONFIG));
            assertEquals("WebSocket upgrade of " + base + "/hostile refused: 200 OK (\\x1b]0;owned\\x07\\x1b[2J"
                    + "x".repeat(64 - 14) + "...)", refused.getMessage(),
                    "the body's control bytes escaped, cut at 64 characters");
        });
    }

    @Test
    void refusesARequestThatSetsAHeaderTheUpgradeOwns() throws Exception {
        String base = start(false).replace("ws:", "http:");
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> client.webSocket(
                Request.builder(base + "/echo").header("Sec-WebSocket-Key", "x").build(), CONFIG));
        assertEquals("the WebSocket upgrade sets Sec-WebSocket-Key itself; remove it from the request",
                refused.getMessage());
    }

    private static void pushLater(WebSocket webSocket) {
        try {
            Thread.sleep(300);
            webSocket.sendText("pushed");
        } catch (IOException | InterruptedException e) {
            // the test finds the text missing
        }
    }
}
