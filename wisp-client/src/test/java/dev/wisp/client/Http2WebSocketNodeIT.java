package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.websocket.WebSocket;
import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketHandshakeException;
import dev.wisp.websocket.WebSocketMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The client's WebSockets against node's {@code http2} module (nghttp2 inside): with SETTINGS_ENABLE_CONNECT_PROTOCOL
 * announced, a WebSocket after a call is an extended CONNECT on the call's connection (over TLS and h2c), whose close
 * handshake ends the stream with END_STREAM both ways, not a reset, and a pong that does not come resets it (CANCEL),
 * as does a 200 that agrees to a subprotocol or an extension not offered, while the connection goes on; without it,
 * the WebSocket goes over HTTP/1.1 on a connection of its own, as before, and no CONNECT reaches the server.
 */
class Http2WebSocketNodeIT {
    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static final WebSocketConfig CONFIG = WebSocketConfig.builder().subprotocols(List.of("echo")).build();

    @TempDir
    Path directory;
    private NodeHttp2Peer node;
    private Http2Peer peer;
    private Client client;

    private void start(boolean overTls, String... options) throws Exception {
        node = NodeHttp2Peer.start(directory, overTls, options);
        peer = node.peer();
        client = Client.create(peer.clientConfig(ClientConfig.builder()).build());
    }

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        if (node != null) {
            node.close();
        }
    }

    private String get(String path) throws Exception {
        try (Response response = client.send(Request.get(peer.url(path)))) {
            return response.text();
        }
    }

    private void assertEchoes(WebSocket webSocket) throws Exception {
        assertEquals(Optional.of("echo"), webSocket.subprotocol());
        webSocket.sendText("über");
        assertEquals(Optional.of(new WebSocketMessage.Text("über")), webSocket.receive());
        byte[] binary = Http2Peer.large(100_000);
        webSocket.sendBinary(binary);
        assertArrayEquals(binary, ((WebSocketMessage.Binary) webSocket.receive().orElseThrow()).bytes());
        webSocket.close();
        assertFalse(webSocket.isOpen());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h2", "h2c"})
    void opensAsAStreamOfTheCallsConnectionWhenTheServerAnnouncesIt(String mode) {
        assertTimeoutPreemptively(LIMIT, () -> {
            start(mode.equals("h2"), "--websocket");
            assertEquals("hello peer\n", get("/index.html"));
            try (WebSocket webSocket = client.webSocket(peer.url("/ws"), CONFIG)) {
                assertEchoes(webSocket);
            }
            assertEquals(1, client.openConnections());
            assertEquals("connects 1 upgrades 0 resets 0", get("/connects"));
        });
    }

    @Test
    void resetsTheStreamWhenThePongIsLate() {
        assertTimeoutPreemptively(LIMIT, () -> {
            start(false, "--websocket", "--no-pongs");
            assertEquals("hello peer\n", get("/index.html"));
            RecordingListener events = new RecordingListener();
            WebSocketConfig pinging = CONFIG.toBuilder().pingInterval(Duration.ofMillis(100))
                    .pongTimeout(Duration.ofMillis(200)).build();
            WebSocket webSocket = client.webSocket(peer.url("/ws"), pinging, events);
            assertEquals("open", events.next(5, TimeUnit.SECONDS));
            String ended = events.next(10, TimeUnit.SECONDS);
            assertTrue(ended != null && ended.startsWith("error"), String.valueOf(ended));
            assertFalse(webSocket.isOpen());
            assertEquals("connects 1 upgrades 0 resets 1", get("/connects")); // RST_STREAM CANCEL
            assertEquals(1, client.openConnections());
        });
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "/ws?choose=mqtt | the server chose a subprotocol that was not offered: mqtt (offered: echo)",
            "/ws?extension=x-foo | the server answered an extension that was not offered: x-foo"})
    void resetsTheStreamOfAnAnswerThatAgreesToWhatWasNotOffered(String path, String message) {
        assertTimeoutPreemptively(LIMIT, () -> {
            start(false, "--websocket");
            assertEquals("hello peer\n", get("/index.html"));
            WebSocketHandshakeException e = assertThrows(WebSocketHandshakeException.class,
                    () -> client.webSocket(peer.url(path), CONFIG));
            assertEquals(message, e.getMessage());
            assertEquals("connects 1 upgrades 0 resets 1", get("/connects")); // RST_STREAM CANCEL
            assertEquals(1, client.openConnections(), "the connection goes on");
        });
    }

    @Test
    void goesOverHttp1WhenTheServerDoesNotAnnounceIt() {
        assertTimeoutPreemptively(LIMIT, () -> {
            start(true, "--http1");
            assertEquals("hello peer\n", get("/index.html"));
            try (WebSocket webSocket = client.webSocket(peer.url("/ws"), CONFIG)) {
                assertEchoes(webSocket);
            }
            assertEquals("connects 0 upgrades 1 resets 0", get("/connects"));
        });
    }
}
