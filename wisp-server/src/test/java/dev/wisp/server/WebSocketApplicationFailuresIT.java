package dev.wisp.server;

import static dev.wisp.server.TestServers.TEST_TIMEOUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.testing.ScriptedWebSocketPeer;
import dev.wisp.websocket.WebSocket;
import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketListener;
import dev.wisp.websocket.WebSocketMessage;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the peer sees when the application fails: a listener callback or a blocking handler that throws, be it an
 * {@link IOException} of its own or a {@link RuntimeException}, fails the WebSocket with 1011 (RFC 6455 §7.4.1,
 * "an unexpected condition"), over a real socket.
 */
class WebSocketApplicationFailuresIT {
    private Server server;

    @BeforeEach
    void start() {
        server = TestServers.start(Router.builder()
                .webSocket("/listener", WebSocketConfig.defaults(), request -> new WebSocketListener() {
                    @Override
                    public void onText(WebSocket webSocket, String text) throws IOException {
                        fail(text);
                    }
                })
                .blockingWebSocket("/blocking", WebSocketConfig.defaults(), (request, webSocket) -> {
                    WebSocketMessage message = webSocket.receive().orElseThrow();
                    fail(((WebSocketMessage.Text) message).text());
                })
                .build());
    }

    @AfterEach
    void stop() {
        server.stop(Duration.ZERO);
    }

    /** Throws what the text names: "io" an IOException, "runtime" an IllegalStateException. */
    private static void fail(String what) throws IOException {
        if (what.equals("io")) {
            throw new IOException("the application's storage failed");
        }
        throw new IllegalStateException("the application has a bug");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/listener io", "/listener runtime", "/blocking io", "/blocking runtime"})
    void closesWith1011WhenTheApplicationThrows(String pathAndFailure) {
        String[] parts = pathAndFailure.split(" ");
        assertTimeoutPreemptively(TEST_TIMEOUT, () -> {
            try (var peer = ScriptedWebSocketPeer.open(server.port(), parts[0])) {
                peer.sendText(parts[1]);
                assertEquals(1011, peer.readClose().closeCode());
                peer.sendClose(1011, "");
                assertTrue(peer.isClosedByPeer(Duration.ofSeconds(5)), "closed after the close frame");
            }
        });
    }
}
