package dev.wisp.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.wisp.client.Client;
import dev.wisp.client.ReconnectPolicy;
import dev.wisp.client.RecordingListener;
import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.websocket.WebSocket;
import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketListener;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A reconnecting WebSocket closed by the application just as a reconnect completes: the new connection is closed
 * too, and the application does not hear it open. The race is made certain by closing from inside the new
 * connection's opening, before the reconnecting WebSocket hears of it.
 */
class ReconnectingWebSocketIT {
    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final ReconnectPolicy FAST = ReconnectPolicy.builder().initialDelay(Duration.ofMillis(20))
            .maxDelay(Duration.ofMillis(100)).build();

    @Test
    void aCloseAsAReconnectCompletesClosesTheNewConnectionUnheardOf() {
        assertTimeoutPreemptively(LIMIT, () -> {
            Server server = Server.create(ServerConfig.builder().port(0).build(), Router.builder()
                    .webSocket("/ws", WebSocketConfig.defaults(), request -> new WebSocketListener() {
                        @Override
                        public void onText(WebSocket webSocket, String text) throws IOException {
                            webSocket.close(1011, "dropping you");
                        }
                    })
                    .build()).start();
            RecordingListener events = new RecordingListener();
            AtomicReference<WebSocket> reconnecting = new AtomicReference<>();
            AtomicInteger opened = new AtomicInteger();
            String url = "ws://127.0.0.1:" + server.port() + "/ws";
            try (Client client = Client.create()) {
                ReconnectingWebSocket.Opener opener = relay -> client.webSocket(url, WebSocketConfig.defaults(),
                        new ClosingOnSecondOpen(relay, reconnecting, opened));
                WebSocket webSocket = ReconnectingWebSocket.open(url, opener, events, FAST);
                reconnecting.set(webSocket);
                assertEquals("open", events.next(5, TimeUnit.SECONDS));

                webSocket.sendText("drop me");
                assertEquals("close 1011", events.next(5, TimeUnit.SECONDS));
                // The reconnect opens a second connection, and the application closes just then.
                assertEquals("close 1000", events.next(5, TimeUnit.SECONDS), "the new connection closed");
                assertNull(events.next(300, TimeUnit.MILLISECONDS), "no open heard, no reconnect after close()");
                assertEquals(2, opened.get());
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (server.connectionCount() > 0 && System.nanoTime() < end) {
                    Thread.sleep(10);
                }
                assertEquals(0, server.connectionCount(), "no connection left open");
            } finally {
                server.stop(Duration.ZERO);
            }
        });
    }

    /** Passes events on; on the second connection's opening, closes the reconnecting WebSocket first. */
    private static final class ClosingOnSecondOpen implements WebSocketListener {
        private final WebSocketListener relay;
        private final AtomicReference<WebSocket> reconnecting;
        private final AtomicInteger opened;

        ClosingOnSecondOpen(WebSocketListener relay, AtomicReference<WebSocket> reconnecting, AtomicInteger opened) {
            this.relay = relay;
            this.reconnecting = reconnecting;
            this.opened = opened;
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            if (opened.incrementAndGet() == 2) {
                try {
                    reconnecting.get().close();
                } catch (IOException | IllegalStateException e) {
                    // closing the ended first connection again may fail; the close is what counts
                }
            }
            relay.onOpen(webSocket);
        }

        @Override
        public void onText(WebSocket webSocket, String text) throws IOException {
            relay.onText(webSocket, text);
        }

        @Override
        public void onClose(WebSocket webSocket, int code, String reason) {
            relay.onClose(webSocket, code, reason);
        }

        @Override
        public void onError(WebSocket webSocket, IOException error) {
            relay.onError(webSocket, error);
        }
    }
}
