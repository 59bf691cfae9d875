package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.websocket.WebSocket;
import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketListener;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A reconnecting WebSocket against Wisp's server: it comes back after a drop, and gives up when told to. */
class WebSocketReconnectIT {
    private static final Duration LIMIT = Duration.ofSeconds(20);
    private static final ReconnectPolicy FAST = ReconnectPolicy.builder().initialDelay(Duration.ofMillis(20))
            .maxDelay(Duration.ofMillis(100)).build();

    private Server server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(Duration.ZERO);
        }
    }

    private String start() {
        server = Server.create(ServerConfig.builder().port(0).build(), Router.builder()
                .webSocket("/ws", WebSocketConfig.defaults(), request -> new WebSocketListener() {
                    @Override
                    public void onText(WebSocket webSocket, String text) throws IOException {
                        if (text.equals("drop")) {
                            webSocket.close(1011, "dropping you");
                        } else {
                            webSocket.sendText(text);
                        }
                    }
                })
                .build()).start();
        return "ws://127.0.0.1:" + server.port() + "/ws";
    }

    private final RecordingListener recorder = new RecordingListener();

    private String next() throws InterruptedException {
        return recorder.next(5, TimeUnit.SECONDS);
    }

    @Test
    void connectsAgainAfterTheServerDropsItAndStopsWhenClosed() {
        assertTimeoutPreemptively(LIMIT, () -> {
            String url = start();
            try (Client client = Client.create()) {
                WebSocket webSocket = client.reconnectingWebSocket(url, WebSocketConfig.defaults(), recorder, FAST);
                assertEquals("open", next());
                webSocket.sendText("a");
                assertEquals("text a", next());
                webSocket.sendText("drop");
                assertEquals("close 1011", next());
                assertEquals("open", next(), "reconnected; onOpen runs again to subscribe again");
                webSocket.sendText("b");
                assertEquals("text b", next());
                webSocket.close();
                assertEquals("close 1000", next());
                assertNull(recorder.next(300, TimeUnit.MILLISECONDS), "no reconnect after close()");
            }
        });
    }

    @Test
    void givesUpAfterMaxAttempts() {
        assertTimeoutPreemptively(LIMIT, () -> {
            String url = start();
            try (Client client = Client.create()) {
                client.reconnectingWebSocket(url, WebSocketConfig.defaults(), recorder, ReconnectPolicy.builder()
                        .initialDelay(Duration.ofMillis(20)).maxAttempts(2).build());
                assertEquals("open", next());
                server.stop(Duration.ofSeconds(5));
                assertEquals("close 1001", next());
                String gaveUp = next();
                assertTrue(gaveUp != null && gaveUp.startsWith("error gave up reconnecting to " + url), gaveUp);
            }
        });
    }
}
