package dev.wisp.server;

import static dev.wisp.server.TestServers.TEST_TIMEOUT;
import static dev.wisp.testing.ScriptedWebSocketPeer.CLOSE;
import static dev.wisp.testing.ScriptedWebSocketPeer.CONTINUATION;
import static dev.wisp.testing.ScriptedWebSocketPeer.PING;
import static dev.wisp.testing.ScriptedWebSocketPeer.TEXT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.testing.ScriptedWebSocketPeer;
import dev.wisp.websocket.WebSocket;
import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketListener;
import java.io.IOException;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The closing handshake of a server WebSocket and the code it answers each protocol error with (RFC 6455 §7.4),
 * over a real socket: the cases of the Autobahn catalogue's sections 2 (pings), 3 (reserved bits), 4 (opcodes),
 * 6 (UTF-8) and 7 (close), written as our own.
 */
class WebSocketProtocolErrorsIT {
    private Server server;

    @BeforeEach
    void start() {
        server = TestServers.start(Router.builder()
                .webSocket("/ws", WebSocketConfig.defaults(), request -> new WebSocketListener() {
                    @Override
                    public void onText(WebSocket webSocket, String text) throws IOException {
                        webSocket.sendText(text);
                    }
                })
                .build());
    }

    @AfterEach
    void stop() {
        server.stop(Duration.ZERO);
    }

    static Stream<Arguments> errors() {
        return Stream.of(
                Arguments.of("a ping of 126 bytes", ScriptedWebSocketPeer.frame(true, 0, PING, new byte[126], true),
                        1002),
                Arguments.of("a fragmented ping", ScriptedWebSocketPeer.frame(false, 0, PING, new byte[1], true),
                        1002),
                Arguments.of("RSV2 set", ScriptedWebSocketPeer.frame(true, 2, TEXT, new byte[1], true), 1002),
                Arguments.of("RSV1 without an extension", ScriptedWebSocketPeer.frame(true, 4, TEXT, new byte[1],
                        true), 1002),
                Arguments.of("reserved data opcode 3", ScriptedWebSocketPeer.frame(true, 0, 3, new byte[0], true),
                        1002),
                Arguments.of("reserved control opcode 11", ScriptedWebSocketPeer.frame(true, 0, 11, new byte[0],
                        true), 1002),
                Arguments.of("a continuation with nothing to continue", ScriptedWebSocketPeer.frame(true, 0,
                        CONTINUATION, new byte[1], true), 1002),
                Arguments.of("invalid UTF-8 in text", ScriptedWebSocketPeer.frame(true, 0, TEXT,
                        new byte[] {(byte) 0xce, (byte) 0xff}, true), 1007),
                Arguments.of("a close frame of one byte", ScriptedWebSocketPeer.frame(true, 0, CLOSE, new byte[] {3},
                        true), 1002),
                Arguments.of("a close reason that is not UTF-8", ScriptedWebSocketPeer.frame(true, 0, CLOSE,
                        new byte[] {3, (byte) 0xe8, (byte) 0xff}, true), 1007),
                // RFC 6455 §5.2: lengths are minimally encoded and a 64-bit length has its top bit clear.
                Arguments.of("a 16-bit length of 5", new byte[] {(byte) 0x81, (byte) 0xfe, 0, 5, 1, 2, 3, 4}, 1002),
                Arguments.of("a 64-bit length of 5", new byte[] {(byte) 0x81, (byte) 0xff, 0, 0, 0, 0, 0, 0, 0, 5,
                        1, 2, 3, 4}, 1002),
                Arguments.of("a 64-bit length with its top bit set", new byte[] {(byte) 0x82, (byte) 0xff,
                        (byte) 0x80, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4}, 1002));
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("errors")
    void failsTheConnectionWithTheRightCode(String what, byte[] frame, int code) {
        assertTimeoutPreemptively(TEST_TIMEOUT, () -> {
            try (var peer = ScriptedWebSocketPeer.open(server.port(), "/ws")) {
                peer.raw().send(frame);
                assertEquals(code, peer.readClose().closeCode(), what);
                assertTrue(peer.isClosedByPeer(Duration.ofSeconds(5)), "closed after the close frame");
            }
        });
    }

    @ParameterizedTest(name = "close code {0}")
    @ValueSource(ints = {0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535})
    void answersACloseCodeThatMayNotBeSentWith1002(int code) {
        assertTimeoutPreemptively(TEST_TIMEOUT, () -> {
            try (var peer = ScriptedWebSocketPeer.open(server.port(), "/ws")) {
                peer.sendClose(code, "");
                assertEquals(1002, peer.readClose().closeCode());
            }
        });
    }

    @ParameterizedTest(name = "close code {0}")
    @ValueSource(ints = {1000, 1001, 1003, 1011, 3000, 4999})
    void echoesAValidCloseCodeAndClosesTheConnection(int code) {
        assertTimeoutPreemptively(TEST_TIMEOUT, () -> {
            try (var peer = ScriptedWebSocketPeer.open(server.port(), "/ws")) {
                peer.sendText("before");
                assertEquals("before", peer.read().text());
                peer.sendClose(code, "reason ☃");
                assertEquals(code, peer.readClose().closeCode());
                assertTrue(peer.isClosedByPeer(Duration.ofSeconds(5)));
            }
        });
    }
}
