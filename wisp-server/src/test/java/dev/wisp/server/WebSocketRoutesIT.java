package dev.wisp.server;

import static dev.wisp.server.TestServers.TEST_TIMEOUT;
import static dev.wisp.testing.ScriptedWebSocketPeer.BINARY;
import static dev.wisp.testing.ScriptedWebSocketPeer.CONTINUATION;
import static dev.wisp.testing.ScriptedWebSocketPeer.PING;
import static dev.wisp.testing.ScriptedWebSocketPeer.PONG;
import static dev.wisp.testing.ScriptedWebSocketPeer.TEXT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.core.HttpProtocolException;
import dev.wisp.core.Status;
import dev.wisp.testing.RawPeer;
import dev.wisp.testing.RawResponse;
import dev.wisp.testing.ScriptedWebSocketPeer;
import dev.wisp.testing.ScriptedWebSocketPeer.Frame;
import dev.wisp.websocket.WebSocket;
import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketListener;
import dev.wisp.websocket.WebSocketMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * WebSocket routes of the server over a scripted client: the switch from HTTP/1.1 (101, then frames, also frames
 * sent in the same write as the upgrade request), listener and blocking handlers, the handler's view of the
 * upgrade request, refusals with their status, and the closing handshake. Limits, timers and the connection's
 * place among the server's connections are in {@link WebSocketConnectionsIT}.
 */
class WebSocketRoutesIT {
    private static final WebSocketConfig CONFIG = WebSocketConfig.builder()
            .subprotocols(java.util.List.of("chat", "superchat"))
            .allowedOrigins(java.util.List.of("https://good.example"))
            .build();

    private final BlockingQueue<String> seen = new ArrayBlockingQueue<>(16);
    private Server server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(Duration.ZERO);
        }
    }

    /** Echoes text and binary; remembers the room parameter, the Origin header and the chosen subprotocol. */
    private Router router() {
        return Router.builder()
                .get("/hello", (request, response) -> response.send("hello\n"))
                .webSocket("/rooms/{room}", CONFIG, request -> {
                    if (request.headers().contains("X-Refuse")) {
                        throw new HttpProtocolException(Status.FORBIDDEN, "refused by the handler");
                    }
                    seen.add("room=" + request.pathParameter("room").orElseThrow() + " remote="
                            + request.connection().remoteAddress().getAddress().getHostAddress());
                    WebSocketListener echo = WebSocketListener.echo();
                    return new WebSocketListener() {
                        @Override
                        public void onOpen(WebSocket webSocket) {
                            seen.add("subprotocol=" + webSocket.subprotocol().orElse("none"));
                        }

                        @Override
                        public void onText(WebSocket webSocket, String text) throws IOException {
                            echo.onText(webSocket, text);
                        }

                        @Override
                        public void onBinary(WebSocket webSocket, byte[] bytes) throws IOException {
                            echo.onBinary(webSocket, bytes);
                        }

                        @Override
                        public void onClose(WebSocket webSocket, int code, String reason) {
                            seen.add("closed " + code + " " + reason);
                        }
                    };
                })
                .webSocket("/shared", CONFIG, request -> new WebSocketListener() {
                    @Override
                    public void onText(WebSocket webSocket, String text) throws IOException {
                        webSocket.sendText("shared " + text);
                    }
                }, (request, response) -> response.send("plain " + request.method() + "\n"))
                .blockingWebSocket("/blocking", CONFIG, (request, webSocket) -> {
                    for (Optional<WebSocketMessage> message = webSocket.receive(); message.isPresent();
                            message = webSocket.receive()) {
                        if (message.get() instanceof WebSocketMessage.Text text) {
                            if (text.text().equals("bye")) {
                                return;
                            }
                            webSocket.sendText("blocking " + text.text());
                        }
                    }
                })
                .build();
    }

    private void startServer() {
        server = TestServers.start(router());
    }

    @Test
    void echoesTextBinaryAndFragmentedMessagesAndAnswersPings() {
        startServer();
        assertTimeoutPreemptively(TEST_TIMEOUT, () -> {
            try (var peer = ScriptedWebSocketPeer.open(server.port(), "/rooms/blue")) {
                assertEquals("room=blue remote=127.0.0.1", seen.poll(5, TimeUnit.SECONDS));
                peer.sendText("hello ☃");
                assertEquals("hello ☃", peer.read().text());
                byte[] bytes = new byte[70_000];
                bytes[69_999] = 7;
                peer.send(true, BINARY, bytes);
                Frame echoed = peer.read();
                assertEquals(BINARY, echoed.opcode());
                assertArrayEquals(bytes, echoed.payload());
                assertEquals(false, echoed.masked());
                peer.send(false, TEXT, "frag".getBytes(StandardCharsets.UTF_8));
                peer.send(true, PING, "between".getBytes(StandardCharsets.UTF_8));
                peer.send(true, CONTINUATION, "mented".getBytes(StandardCharsets.UTF_8));
                Frame pong = peer.read();
                assertEquals(PONG, pong.opcode());
                assertEquals("between", pong.text());
                assertEquals("fragmented", peer.read().text());
                peer.sendClose(1000, "bye");
                assertEquals(1000, peer.readClose().closeCode());
                assertTrue(peer.isClosedByPeer(Duration.ofSeconds(5)));
            }
        });
    }

    @Test
    void readsFramesSentInTheSameWriteAsTheUpgradeRequest() {
        startServer();
        RawPeer.talk(server.port(), raw -> {
            byte[] head = ("GET /rooms/red HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: " + ScriptedWebSocketPeer.KEY + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1);
            byte[] frame = ScriptedWebSocketPeer.frame(true, 0, TEXT, "early".getBytes(StandardCharsets.UTF_8),
                    true);
            byte[] both = new byte[head.length + frame.length];
            System.arraycopy(head, 0, both, 0, head.length);
            System.arraycopy(frame, 0, both, head.length, frame.length);
            raw.send(both);
            RawResponse response = raw.readResponse();
            assertEquals(101, response.status());
            assertEquals("early", ScriptedWebSocketPeer.over(raw, response).read().text());
        });
    }

    @Test
    void choosesTheSubprotocolInTheServersOrder() {
        startServer();
        assertTimeoutPreemptively(TEST_TIMEOUT, () -> {
            try (var peer = ScriptedWebSocketPeer.open(server.port(), "/rooms/x",
                    "Sec-WebSocket-Protocol: superchat, chat", "Origin: https://good.example")) {
                assertEquals("chat", peer.handshake().header("Sec-WebSocket-Protocol").orElseThrow());
                seen.poll(5, TimeUnit.SECONDS);
                assertEquals("subprotocol=chat", seen.poll(5, TimeUnit.SECONDS));
            }
        });
    }

    @Test
    void servesABlockingHandlerAndClosesWith1000WhenItReturns() {
        startServer();
        assertTimeoutPreemptively(TEST_TIMEOUT, () -> {
            try (var peer = ScriptedWebSocketPeer.open(server.port(), "/blocking")) {
                peer.sendText("one");
                assertEquals("blocking one", peer.read().text());
                peer.sendText("bye");
                Frame close = peer.readClose();
                assertEquals(1000, close.closeCode());
                peer.sendClose(1000, "");
                assertTrue(peer.isClosedByPeer(Duration.ofSeconds(5)));
            }
        });
    }

    @Test
    void answersAPlainGetWith426AndUpgradeWebsocket() {
        startServer();
        RawPeer.talk(server.port(), peer -> {
            peer.send("GET /rooms/x HTTP/1.1\r\nHost: x\r\n\r\n");
            RawResponse response = peer.readResponse();
            assertEquals(426, response.status());
            assertEquals("websocket", response.header("Upgrade").orElseThrow());
            assertEquals("upgrade", response.header("Connection").orElseThrow());
            peer.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals(200, peer.readResponse().status(), "the connection stays usable after a refusal");
        });
    }

    @Test
    void aRouteSharedWithPlainHttpSendsWhatDoesNotAskForAWebSocketToItsOtherHandler() {
        startServer();
        assertTimeoutPreemptively(TEST_TIMEOUT, () -> {
            RawPeer.talk(server.port(), peer -> {
                peer.send("GET /shared HTTP/1.1\r\nHost: x\r\n\r\n");
                RawResponse plain = peer.readResponse();
                assertEquals(200, plain.status());
                assertEquals("plain GET\n", plain.bodyText());
                peer.send("HEAD /shared HTTP/1.1\r\nHost: x\r\n\r\n");
                RawResponse head = peer.readResponseHead();
                assertEquals(200, head.status());
                assertEquals("11", head.header("Content-Length").orElseThrow(), "plain HEAD\\n");
                // Asking for a WebSocket wrongly is still the route's refusal, not the other handler's answer.
                peer.send("GET /shared HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Key: " + ScriptedWebSocketPeer.KEY + "\r\nSec-WebSocket-Version: 8\r\n\r\n");
                assertEquals(426, peer.readResponse().status());
            });
            try (var peer = ScriptedWebSocketPeer.open(server.port(), "/shared")) {
                peer.sendText("hi");
                assertEquals("shared hi", peer.read().text());
            }
        });
    }

    @Test
    void answersAnotherVersionWith426AndTheVersionItSpeaks() {
        startServer();
        RawPeer.talk(server.port(), peer -> {
            peer.send("GET /rooms/x HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: " + ScriptedWebSocketPeer.KEY + "\r\nSec-WebSocket-Version: 8\r\n\r\n");
            RawResponse response = peer.readResponse();
            assertEquals(426, response.status());
            assertEquals("13", response.header("Sec-WebSocket-Version").orElseThrow());
        });
    }

    @Test
    void refusesAnOriginOutsideTheAllowList() {
        startServer();
        RawPeer.talk(server.port(), peer -> {
            RawResponse response = ScriptedWebSocketPeer.upgrade(peer, "/rooms/x", "Origin: https://evil.example");
            assertEquals(403, response.status());
            assertEquals("origin not allowed: a page of another origin (see WebSocketConfig.allowedOrigins)\n",
                    response.bodyText());
        });
    }

    @Test
    void refusesWithTheStatusTheHandlerThrows() {
        startServer();
        RawPeer.talk(server.port(), peer -> {
            RawResponse response = ScriptedWebSocketPeer.upgrade(peer, "/rooms/x", "X-Refuse: yes");
            assertEquals(403, response.status());
            assertEquals("refused by the handler\n", response.bodyText());
        });
    }

    @Test
    void refusesABadKeyWith400AndPostWith405() {
        startServer();
        RawPeer.talk(server.port(), peer -> {
            peer.send("GET /rooms/x HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: short\r\nSec-WebSocket-Version: 13\r\n\r\n");
            assertEquals(400, peer.readResponse().status());
            peer.send("POST /rooms/x HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
            RawResponse response = peer.readResponse();
            assertEquals(405, response.status());
            assertEquals("GET, HEAD, OPTIONS", response.header("Allow").orElseThrow());
        });
    }

    @Test
    void answersHeadAsAGetWithoutAnUpgradeSinceAllowListsIt() {
        startServer();
        RawPeer.talk(server.port(), peer -> {
            peer.send("HEAD /rooms/x HTTP/1.1\r\nHost: x\r\n\r\n");
            RawResponse head = peer.readResponseHead();
            assertEquals(426, head.status());
            assertEquals("websocket", head.header("Upgrade").orElseThrow());
            peer.send("GET /rooms/x HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals(426, peer.readResponse().status()); // no body after the HEAD answer: still in step
        });
    }
}
