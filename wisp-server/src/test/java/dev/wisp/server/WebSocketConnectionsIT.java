package dev.wisp.server;

import static dev.wisp.server.TestServers.TEST_TIMEOUT;
import static dev.wisp.testing.ScriptedWebSocketPeer.BINARY;
import static dev.wisp.testing.ScriptedWebSocketPeer.CONTINUATION;
import static dev.wisp.testing.ScriptedWebSocketPeer.PING;
import static dev.wisp.testing.ScriptedWebSocketPeer.TEXT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.wisp.testing.RawPeer;
import dev.wisp.testing.ScriptedWebSocketPeer;
import dev.wisp.testing.ScriptedWebSocketPeer.Frame;
import dev.wisp.testing.TestTransport;
import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketListener;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.zip.Deflater;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A WebSocket connection among the server's connections: limits crossed (1009, 1002), the server's HTTP timeouts
 * that no longer apply (never a 408), the WebSocket's own idle ping and dead-peer timeout, graceful stop with
 * 1001, the connection cap (an open WebSocket is never evicted to make room) and the connection callbacks.
 */
class WebSocketConnectionsIT {
    private static final WebSocketConfig CONFIG = WebSocketConfig.builder()
            .maxFrameBytes(1000)
            .maxMessageBytes(1500)
            .permessageDeflate(true)
            .build();
    private static final WebSocketListener ECHO = WebSocketListener.echo();

    private final ConnectionEvents events = new ConnectionEvents();
    private Server server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(Duration.ZERO);
        }
    }

    private int start(ServerConfig.Builder config) {
        server = TestServers.start(config.connectionListener(events), Router.builder()
                .get("/hello", (request, response) -> response.send("hello\n"))
                .webSocket("/ws", CONFIG, request -> ECHO)
                .webSocket("/pinged", CONFIG.toBuilder().pingInterval(Duration.ofMillis(100))
                        .pongTimeout(Duration.ofMillis(200)).build(), request -> ECHO)
                .webSocket("/inflating", CONFIG.toBuilder().maxFrameBytes(64 * 1024).build(), request -> ECHO)
                .build());
        return server.port();
    }

    @Test
    void closesWith1009WhenAFrameIsLongerThanMaxFrameBytes() {
        int port = start(TestServers.config());
        assertTimeoutPreemptively(TEST_TIMEOUT, () -> {
            try (var peer = ScriptedWebSocketPeer.open(port, "/ws")) {
                peer.send(true, BINARY, new byte[1001]);
                assertEquals(1009, peer.readClose().closeCode());
                assertTrue(peer.isClosedByPeer(Duration.ofSeconds(5)));
            }
        });
    }

    @Test
    void closesWith1009WhenFragmentsAddUpPastMaxMessageBytes() {
        int port = start(TestServers.config());
        assertTimeoutPreemptively(TEST_TIMEOUT, () -> {
            try (var peer = ScriptedWebSocketPeer.open(port, "/ws")) {
                peer.send(false, TEXT, new byte[1000]);
                peer.send(true, CONTINUATION, new byte[600]);
                assertEquals(1009, peer.readClose().closeCode());
            }
        });
    }

    @Test
    void stopsADecompressionBombAtMaxMessageBytes() {
        int port = start(TestServers.config());
        assertTimeoutPreemptively(TEST_TIMEOUT, () -> {
            try (var peer = ScriptedWebSocketPeer.open(port, "/inflating",
                    "Sec-WebSocket-Extensions: permessage-deflate")) {
                assertTrue(peer.handshake().header("Sec-WebSocket-Extensions").orElseThrow()
                        .startsWith("permessage-deflate"));
                byte[] bomb = deflate(new byte[10 << 20]);
                assertTrue(bomb.length < 64 * 1024, "10 MiB of zeros deflate to " + bomb.length + " bytes");
                peer.raw().send(ScriptedWebSocketPeer.frame(true, 4, BINARY, bomb, true));
                assertEquals(1009, peer.readClose().closeCode());
            }
        });
    }

    @Test
    void closesWith1002WhenAClientFrameIsNotMasked() {
        int port = start(TestServers.config());
        assertTimeoutPreemptively(TEST_TIMEOUT, () -> {
            try (var peer = ScriptedWebSocketPeer.open(port, "/ws")) {
                peer.raw().send(ScriptedWebSocketPeer.frame(true, 0, TEXT, new byte[3], false));
                assertEquals(1002, peer.readClose().closeCode());
            }
        });
    }

    @Test
    void neverAnswers408OnceUpgradedWhateverTheHttpTimeouts() {
        int port = start(TestServers.config().idleTimeout(Duration.ofMillis(100))
                .headerTimeout(Duration.ofMillis(100)).readTimeout(Duration.ofMillis(100)));
        assertTimeoutPreemptively(TEST_TIMEOUT, () -> {
            try (var peer = ScriptedWebSocketPeer.open(port, "/ws")) {
                assertFalse(peer.isClosedByPeer(Duration.ofMillis(600)), "idle past every HTTP timeout");
                peer.sendText("still here");
                assertEquals("still here", peer.read().text());
            }
        });
    }

    @Test
    void pingsAnIdlePeerAndClosesWhenNoAnswerComes() {
        int port = start(TestServers.config());
        assertTimeoutPreemptively(TEST_TIMEOUT, () -> {
            try (var peer = ScriptedWebSocketPeer.open(port, "/pinged")) {
                Frame ping = peer.read();
                assertEquals(PING, ping.opcode());
                assertTrue(peer.isClosedByPeer(Duration.ofSeconds(5)), "no pong: the peer is taken for dead");
                String reason = events.awaitClosed().reason();
                assertTrue(reason.contains("pongTimeout"), reason);
            }
        });
    }

    @Test
    void sendsGoingAwayWhenTheServerStopsAndWaitsForThePeersClose() {
        int port = start(TestServers.config());
        assertTimeoutPreemptively(TEST_TIMEOUT, () -> {
            try (var peer = ScriptedWebSocketPeer.open(port, "/ws")) {
                peer.sendText("up");
                assertEquals("up", peer.read().text());
                Thread stopping = Thread.ofVirtual().start(() -> server.stop(Duration.ofSeconds(5)));
                Frame close = peer.readClose();
                assertEquals(1001, close.closeCode());
                assertEquals("server stopping", new String(close.payload(), 2, close.payload().length - 2,
                        StandardCharsets.UTF_8));
                peer.sendClose(1001, "");
                assertTrue(peer.isClosedByPeer(Duration.ofSeconds(5)));
                stopping.join();
                assertEquals("websocket closed: 1001", events.awaitClosed().reason());
                assertEquals(0, server.connectionCount());
            }
        });
    }

    @Test
    void keepsAnOpenWebSocketWhenFullAndRefusesTheNewcomer() {
        // As in ConnectionLimitIT: a refused TLS client gets a reset in its handshake, not the 503.
        assumeFalse(TestTransport.isTls(), "the 503 of a full server is plaintext");
        int port = start(TestServers.config().maxConnections(1).overflowPolicy(OverflowPolicy.REJECT));
        assertTimeoutPreemptively(TEST_TIMEOUT, () -> {
            try (var peer = ScriptedWebSocketPeer.open(port, "/ws")) {
                try (RawPeer newcomer = RawPeer.connect(port)) {
                    newcomer.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
                    assertEquals(503, newcomer.readResponse().status());
                }
                peer.sendText("kept");
                assertEquals("kept", peer.read().text());
                peer.sendClose(1000, "");
                peer.readClose();
            }
            assertEquals("websocket closed: 1000", events.awaitClosed().reason());
            RawPeer.talk(port, next -> {
                next.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
                assertEquals(200, next.readResponse().status());
            });
        });
    }

    @Test
    void announcesTheConnectionOnceAndItsSwitchToWebSocket() {
        int port = start(TestServers.config());
        assertTimeoutPreemptively(TEST_TIMEOUT, () -> {
            try (var peer = ScriptedWebSocketPeer.open(port, "/ws")) {
                peer.sendClose(1000, "");
                peer.readClose();
            }
            ConnectionEvents.Closed closed = events.awaitClosed();
            assertEquals("websocket closed: 1000", closed.reason());
            assertEquals(ConnectionProtocol.WEBSOCKET, closed.connection().protocol());
            assertEquals(1, events.opened().size());
            ConnectionInfo opened = events.opened().get(0);
            assertEquals(ConnectionProtocol.HTTP_1_1, opened.protocol());
            assertEquals(1, events.switched().size());
            ConnectionInfo switched = events.switched().get(0);
            assertEquals(ConnectionProtocol.WEBSOCKET, switched.protocol());
            assertEquals(opened.id(), switched.id());
            assertEquals(opened.remoteAddress(), switched.remoteAddress());
            assertEquals(opened.id(), closed.connection().id());
        });
    }

    @Test
    void leavesAPlainHttpConnectionUnswitched() {
        int port = start(TestServers.config());
        assertTimeoutPreemptively(TEST_TIMEOUT, () -> {
            try (var peer = RawPeer.connect(port)) {
                peer.send("GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
                assertEquals(200, peer.readResponse().status());
            }
            assertEquals(ConnectionProtocol.HTTP_1_1, events.awaitClosed().connection().protocol());
            assertEquals(0, events.switched().size());
        });
    }

    private static byte[] deflate(byte[] input) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        try {
            deflater.setInput(input);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] chunk = new byte[4096];
            while (!deflater.finished()) {
                out.write(chunk, 0, deflater.deflate(chunk));
            }
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }
}
