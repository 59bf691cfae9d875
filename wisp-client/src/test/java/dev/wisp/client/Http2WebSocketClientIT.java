package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.core.HttpProtocolException;
import dev.wisp.core.RequestHead;
import dev.wisp.core.Status;
import dev.wisp.core.Version;
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
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The client's WebSockets over HTTP/2 (RFC 8441) against Wisp's own server, over h2 by ALPN and h2c by prior
 * knowledge: once a call made the pool's HTTP/2 connection, a WebSocket opens as a stream of it (the server sees an
 * HTTP/2 request, the client keeps one connection), echoes both ways with a subprotocol and permessage-deflate,
 * closes from either side, is refused with a typed status, sends idle pings, ends when the server resets its stream
 * or stops, and shares the connection with ordinary calls, even unread; without a prior call, with the option off,
 * or with the server's only stream place taken, it opens its own HTTP/1.1 connection as before.
 */
class Http2WebSocketClientIT {
    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final TestCertificate CA = TestCertificates.ca(KeyType.EC);
    private static final TestCertificate CERTIFICATE = TestCertificates.server(CA, KeyType.EC);
    private static final WebSocketConfig CONFIG = WebSocketConfig.builder().permessageDeflate(true)
            .subprotocols(List.of("echo")).build();

    private static final int LARGE = 3_000_000;
    private static final int FLOOD_MESSAGES = 20;

    /** What the server's WebSocket handler saw: the protocol of each request, then its offered extensions. */
    private final BlockingQueue<String> seen = new LinkedBlockingQueue<>();
    private final CountDownLatch pinged = new CountDownLatch(2);
    private Server server;
    private Client client;
    private boolean tls;

    private void start(String mode, ClientConfig.Builder clientConfig) {
        start(mode, ServerConfig.builder(), clientConfig);
    }

    private void start(String mode, ServerConfig.Builder serverConfig, ClientConfig.Builder clientConfig) {
        tls = mode.equals("h2");
        Router router = Router.builder()
                .get("/hello", (request, response) -> response.send("hello " + request.protocol()))
                .blockingWebSocket("/echo", CONFIG, (request, webSocket) -> {
                    seen.add(request.protocol() + " " + request.headers().firstOrNull("Sec-WebSocket-Extensions"));
                    for (Optional<WebSocketMessage> message; (message = webSocket.receive()).isPresent(); ) {
                        switch (message.get()) {
                            case WebSocketMessage.Text text when text.text().equals("bye") ->
                                    webSocket.close(4000, "asked to");
                            case WebSocketMessage.Text text -> webSocket.sendText(text.text());
                            case WebSocketMessage.Binary binary -> webSocket.sendBinary(binary.bytes());
                        }
                    }
                })
                .get("/large", (request, response) -> response.send(new byte[LARGE]))
                .blockingWebSocket("/flood", CONFIG, (request, webSocket) -> {
                    seen.add(request.protocol() + " flood");
                    try {
                        for (int i = 0; i < FLOOD_MESSAGES; i++) {
                            webSocket.sendBinary(floodMessage(i));
                        }
                    } catch (IOException e) {
                        seen.add("flood failed");
                        throw e;
                    }
                    webSocket.receive();
                })
                .webSocket("/pinged", CONFIG, request -> {
                    seen.add(request.protocol() + " pinged");
                    return new WebSocketListener() {
                        @Override
                        public void onPing(WebSocket webSocket, byte[] payload) {
                            pinged.countDown();
                        }
                    };
                })
                .webSocket("/refused", CONFIG, request -> {
                    throw new HttpProtocolException(Status.FORBIDDEN, "not for you");
                })
                .build();
        serverConfig.port(0).http2(true);
        if (tls) {
            serverConfig.tls(TlsConfig.builder()
                    .identity(TlsIdentity.pem(CERTIFICATE.chainPem(), CERTIFICATE.keys().pkcs8Pem())).build());
            clientConfig.tls(TlsConfig.builder().trustedCertificatesPem(CA.certificatePem()).build());
        } else {
            clientConfig.http2(Http2Mode.PRIOR_KNOWLEDGE);
        }
        server = Server.create(serverConfig.build(), router).start();
        client = Client.create(clientConfig.build());
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.stop(Duration.ZERO);
        }
    }

    private String url(String scheme, String path) {
        return scheme + (tls ? "s://localhost:" : "://127.0.0.1:") + server.port() + path;
    }

    /** An ordinary call, which leaves the pool holding an HTTP/2 connection to the server. */
    private void callOverHttp2() throws Exception {
        try (Response response = client.send(Request.get(url("http", "/hello")))) {
            assertEquals("hello HTTP/2", response.text());
        }
        assertEquals(1, client.openConnections());
    }

    /** Starts the server, makes a call, then opens a WebSocket with a listener, which the server sees over HTTP/2. */
    private WebSocket openAfterACall(String mode, RecordingListener events) throws Exception {
        start(mode, ClientConfig.builder());
        callOverHttp2();
        WebSocket webSocket = client.webSocket(url("ws", "/echo"), CONFIG, events);
        assertEquals("open", events.next(5, TimeUnit.SECONDS));
        assertTrue(seen.poll(5, TimeUnit.SECONDS).startsWith("HTTP/2"));
        return webSocket;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h2", "h2c"})
    void echoesTextAndBinaryOnTheSharedConnection(String mode) {
        assertTimeoutPreemptively(LIMIT, () -> {
            start(mode, ClientConfig.builder());
            callOverHttp2();
            try (WebSocket webSocket = client.webSocket(url("ws", "/echo"), CONFIG)) {
                assertEquals(Optional.of("echo"), webSocket.subprotocol());
                String handshake = seen.poll(5, TimeUnit.SECONDS);
                assertNotNull(handshake);
                assertTrue(handshake.startsWith("HTTP/2 permessage-deflate"), handshake);
                webSocket.sendText("über");
                assertEquals(Optional.of(new WebSocketMessage.Text("über")), webSocket.receive());
                byte[] large = "compressible ".repeat(20_000).getBytes(StandardCharsets.UTF_8);
                webSocket.sendBinary(large);
                WebSocketMessage echoed = webSocket.receive().orElseThrow();
                assertArrayEquals(large, ((WebSocketMessage.Binary) echoed).bytes());
                assertEquals(1, client.openConnections());
                webSocket.close();
                assertFalse(webSocket.isOpen());
            }
            callOverHttp2(); // the connection outlives the WebSocket's stream
        });
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h2", "h2c"})
    void idleWebSocketsOnTheSharedConnectionHoldNoThread(String mode, @TempDir Path folder) {
        assertTimeoutPreemptively(LIMIT, () -> {
            start(mode, ClientConfig.builder());
            callOverHttp2();
            List<WebSocket> webSockets = new ArrayList<>();
            List<RecordingListener> events = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                RecordingListener listener = new RecordingListener();
                webSockets.add(client.webSocket(url("ws", "/echo"), CONFIG, listener));
                events.add(listener);
                assertEquals("open", listener.next(5, TimeUnit.SECONDS));
            }
            for (String text : List.of("first", "second")) {
                for (WebSocket webSocket : webSockets) {
                    webSocket.sendText(text);
                }
                for (RecordingListener listener : events) {
                    assertEquals("text " + text, listener.next(5, TimeUnit.SECONDS));
                }
                Thread.sleep(300); // past the 50 ms a new session waits on its own thread, twice
                // The client's WebSocket threads are named wisp-ws-...; the server's, in this JVM too, are others.
                assertEquals(0, ThreadDumps.threadsIn("WebSocketSession.read(", "wisp-ws-",
                        folder.resolve(text + ".txt")), "threads in a WebSocket's reading loop while nothing arrives");
            }
            assertEquals(1, client.openConnections());
            for (int i = 0; i < webSockets.size(); i++) {
                webSockets.get(i).close();
                assertEquals("close 1000", events.get(i).next(5, TimeUnit.SECONDS));
            }
            callOverHttp2();
        });
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h2", "h2c"})
    void closesFromEitherSideWithAListener(String mode) {
        assertTimeoutPreemptively(LIMIT, () -> {
            RecordingListener events = new RecordingListener();
            WebSocket webSocket = openAfterACall(mode, events);
            webSocket.sendText("one");
            assertEquals("text one", events.next(5, TimeUnit.SECONDS));
            webSocket.close();
            assertEquals("close 1000", events.next(5, TimeUnit.SECONDS));
            callOverHttp2();

            WebSocket closedByServer = client.webSocket(url("ws", "/echo"), CONFIG, events);
            assertEquals("open", events.next(5, TimeUnit.SECONDS));
            closedByServer.sendText("bye");
            assertEquals("close 4000", events.next(5, TimeUnit.SECONDS));
            assertTrue(seen.poll(5, TimeUnit.SECONDS).startsWith("HTTP/2"));
            callOverHttp2();
        });
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h2", "h2c"})
    void refusalIsTypedWithItsStatus(String mode) {
        assertTimeoutPreemptively(LIMIT, () -> {
            start(mode, ClientConfig.builder());
            callOverHttp2();
            WebSocketRefusedException refused = assertThrows(WebSocketRefusedException.class,
                    () -> client.webSocket(url("ws", "/refused"), CONFIG));
            assertEquals(403, refused.status().code());
            refused = assertThrows(WebSocketRefusedException.class,
                    () -> client.webSocket(url("ws", "/hello"), CONFIG)); // a GET route: CONNECT is not allowed
            assertEquals(405, refused.status().code());
            assertEquals(1, client.openConnections());
            callOverHttp2(); // the refused streams gave their places back
        });
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h2", "h2c"})
    void ordinaryCallsGoOnBesideAnOpenWebSocket(String mode) {
        assertTimeoutPreemptively(LIMIT, () -> {
            start(mode, ClientConfig.builder());
            callOverHttp2();
            try (WebSocket webSocket = client.webSocket(url("ws", "/echo"), CONFIG)) {
                assertTrue(seen.poll(5, TimeUnit.SECONDS).startsWith("HTTP/2"));
                for (int i = 0; i < 5; i++) {
                    webSocket.sendText("message " + i);
                    callOverHttp2();
                    assertEquals(Optional.of(new WebSocketMessage.Text("message " + i)), webSocket.receive());
                }
            }
        });
    }

    /** 128 KiB that do not compress, different for each message. */
    private static byte[] floodMessage(int index) {
        byte[] bytes = new byte[128 * 1024];
        new Random(index).nextBytes(bytes);
        return bytes;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h2", "h2c"})
    void aWebSocketThatReadsNothingLeavesTheConnectionToOtherCalls(String mode) {
        assertTimeoutPreemptively(LIMIT, () -> {
            start(mode, ClientConfig.builder());
            callOverHttp2();
            try (WebSocket webSocket = client.webSocket(url("ws", "/flood"), CONFIG)) {
                assertEquals("HTTP/2 flood", seen.poll(5, TimeUnit.SECONDS));
                for (int i = 0; i < 3; i++) { // 9 MB, more than the connection's window, while 2.5 MiB wait unread
                    try (Response response = client.send(Request.get(url("http", "/large")))) {
                        assertEquals(LARGE, response.bytes().length);
                    }
                }
                for (int i = 0; i < FLOOD_MESSAGES; i++) {
                    WebSocketMessage message = webSocket.receive().orElseThrow();
                    assertArrayEquals(floodMessage(i), ((WebSocketMessage.Binary) message).bytes());
                }
                assertEquals(1, client.openConnections());
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h2", "h2c"})
    void serverResetOfTheStreamEndsTheSessionAndFreesItsPlace(String mode) {
        assertTimeoutPreemptively(LIMIT, () -> {
            // The server resets a WebSocket stream whose client keeps the window shut past its write timeout.
            ConnectionEvents connections = new ConnectionEvents();
            start(mode, ServerConfig.builder().writeTimeout(Duration.ofMillis(200))
                    .maxConcurrentStreams(1), ClientConfig.builder().eventListener(connections));
            callOverHttp2();
            WebSocket webSocket = client.webSocket(url("ws", "/flood"), CONFIG);
            assertEquals("HTTP/2 flood", seen.poll(5, TimeUnit.SECONDS));
            // The listener saw the extended CONNECT go out, as it sees a call's request.
            assertTrue(connections.toString().contains("sent CONNECT /flood"), connections::toString);
            assertEquals("flood failed", seen.poll(10, TimeUnit.SECONDS));
            int received = 0;
            IOException ended = null;
            try {
                while (webSocket.receive().isPresent()) {
                    received++;
                }
            } catch (IOException e) {
                ended = e;
            }
            assertTrue(received < FLOOD_MESSAGES, "received " + received);
            assertNotNull(ended, "the session ended without an error");
            assertFalse(webSocket.isOpen());
            try (Response response = client.send(Request.get(url("http", "/hello")))) {
                assertEquals("hello HTTP/2", response.text());
            }
            // the reset stream gave back the connection's only place
            assertEquals(1, client.openConnections(), connections::toString);
        });
    }

    /** What the client did with its connections and calls, for a failure's message. */
    private static final class ConnectionEvents implements EventListener {
        private final Queue<String> events = new ConcurrentLinkedQueue<>();

        @Override
        public void connected(ConnectionInfo connection, InetSocketAddress remote) {
            events.add("connected " + connection.id());
        }

        @Override
        public void requestHeadersSent(Request request, RequestHead head) {
            events.add("sent " + head.method() + " " + head.target());
        }

        @Override
        public void failed(Request request, IOException error) {
            events.add("failed " + request + ": " + error);
        }

        @Override
        public void disconnected(ConnectionInfo connection, String reason) {
            events.add("disconnected " + connection.id() + ": " + reason);
        }

        @Override
        public String toString() {
            return String.join("; ", events);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h2", "h2c"})
    void sendsIdlePingsOverTheStream(String mode) {
        assertTimeoutPreemptively(LIMIT, () -> {
            start(mode, ClientConfig.builder());
            callOverHttp2();
            WebSocketConfig pinging = CONFIG.toBuilder().pingInterval(Duration.ofMillis(100)).build();
            RecordingListener events = new RecordingListener(); // its thread reads the pongs
            try (WebSocket webSocket = client.webSocket(url("ws", "/pinged"), pinging, events)) {
                assertEquals("HTTP/2 pinged", seen.poll(5, TimeUnit.SECONDS));
                assertTrue(pinged.await(10, TimeUnit.SECONDS), "the server heard fewer than two idle pings");
                assertTrue(webSocket.isOpen(), "the server's pongs keep it open");
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h2", "h2c"})
    void serverStopEndsTheSession(String mode) {
        assertTimeoutPreemptively(LIMIT, () -> {
            RecordingListener events = new RecordingListener();
            WebSocket webSocket = openAfterACall(mode, events);
            server.stop(Duration.ZERO);
            String ended = events.next(10, TimeUnit.SECONDS);
            assertNotNull(ended);
            assertTrue(ended.startsWith("close") || ended.startsWith("error"), ended);
            assertFalse(webSocket.isOpen());
        });
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h2", "h2c"})
    void opensItsOwnHttp1ConnectionWhenNoStreamPlaceIsFree(String mode) {
        assertTimeoutPreemptively(LIMIT, () -> {
            start(mode, ServerConfig.builder().maxConcurrentStreams(1), ClientConfig.builder());
            callOverHttp2();
            try (WebSocket first = client.webSocket(url("ws", "/echo"), CONFIG);
                    WebSocket second = client.webSocket(url("ws", "/echo"), CONFIG)) {
                assertTrue(seen.poll(5, TimeUnit.SECONDS).startsWith("HTTP/2"));
                assertTrue(seen.poll(5, TimeUnit.SECONDS).startsWith("HTTP/1.1"));
                second.sendText("beside");
                assertEquals(Optional.of(new WebSocketMessage.Text("beside")), second.receive());
                first.sendText("first");
                assertEquals(Optional.of(new WebSocketMessage.Text("first")), first.receive());
            }
            callOverHttp2();
        });
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h2", "h2c"})
    void opensItsOwnHttp1ConnectionWithoutAPriorCallOrWhenTurnedOff(String mode) {
        assertTimeoutPreemptively(LIMIT, () -> {
            start(mode, ClientConfig.builder().webSocketsOverHttp2(false));
            try (WebSocket webSocket = client.webSocket(url("ws", "/echo"), CONFIG)) {
                assertTrue(seen.poll(5, TimeUnit.SECONDS).startsWith("HTTP/1.1"));
                callOverHttp2();
                webSocket.close();
            }
            try (WebSocket webSocket = client.webSocket(url("ws", "/echo"), CONFIG)) {
                assertTrue(seen.poll(5, TimeUnit.SECONDS).startsWith("HTTP/1.1"));
                webSocket.sendText("own");
                assertEquals(Optional.of(new WebSocketMessage.Text("own")), webSocket.receive());
            }
        });
    }
}
