package dev.wisp.server;

import static dev.wisp.server.TestServers.TEST_TIMEOUT;
import static dev.wisp.testing.FuzzBytes.concat;
import static dev.wisp.testing.ScriptedWebSocketPeer.BINARY;
import static dev.wisp.testing.ScriptedWebSocketPeer.CLOSE;
import static dev.wisp.testing.ScriptedWebSocketPeer.CONTINUATION;
import static dev.wisp.testing.ScriptedWebSocketPeer.PING;
import static dev.wisp.testing.ScriptedWebSocketPeer.PONG;
import static dev.wisp.testing.ScriptedWebSocketPeer.TEXT;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.testing.ScriptedWebSocketPeer;
import dev.wisp.websocket.WebSocketConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The closing handshake of a server WebSocket and the code it answers each protocol error with (RFC 6455 §7.4),
 * over a real socket: the cases of the Autobahn catalogue's sections 2 (pings), 3 (reserved bits), 4 (opcodes),
 * 5 (fragments out of sequence), 6.3-6.4 (invalid UTF-8, failed at the byte that makes it so) and 7 (close), written
 * as our own.
 */
class WebSocketProtocolErrorsIT {
    /** The Autobahn case 6.3.1's text: valid but for the surrogate ed a0 80. */
    private static final String INVALID_UTF8 = "cebae1bdb9cf83cebcceb5eda080656469746564";
    private Server server;

    @BeforeEach
    void start() {
        server = TestServers.startWebSocketEcho(WebSocketConfig.defaults());
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
                Arguments.of("a close reason of 124 bytes", ScriptedWebSocketPeer.frame(true, 0, CLOSE,
                        concat(new byte[] {3, (byte) 0xe8}, "*".repeat(124).getBytes(UTF_8)), true), 1002),
                Arguments.of("invalid UTF-8 in text of one-byte fragments", ScriptedWebSocketPeer.fragments(TEXT, 0,
                        HexFormat.of().parseHex(INVALID_UTF8), 1, true), 1007),
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

    static Stream<Arguments> errorsAfterAnEcho() {
        byte[] hello = "Hello, world!".getBytes(UTF_8);
        return Stream.of(
                Arguments.of("RSV 2", ScriptedWebSocketPeer.frame(true, 2, TEXT, hello, true)),
                Arguments.of("RSV 3", ScriptedWebSocketPeer.frame(true, 3, TEXT, hello, true)),
                Arguments.of("RSV 4", ScriptedWebSocketPeer.frame(true, 4, TEXT, hello, true)),
                Arguments.of("RSV 5 on binary", ScriptedWebSocketPeer.frame(true, 5, BINARY, hello, true)),
                Arguments.of("RSV 6 on a ping", ScriptedWebSocketPeer.frame(true, 6, PING, hello, true)),
                Arguments.of("RSV 7 on a close", ScriptedWebSocketPeer.frame(true, 7, CLOSE, new byte[0], true)),
                Arguments.of("opcode 5", ScriptedWebSocketPeer.frame(true, 0, 5, new byte[0], true)),
                Arguments.of("opcode 6", ScriptedWebSocketPeer.frame(true, 0, 6, hello, true)),
                Arguments.of("opcode 7", ScriptedWebSocketPeer.frame(true, 0, 7, hello, true)),
                Arguments.of("opcode 13", ScriptedWebSocketPeer.frame(true, 0, 13, new byte[0], true)),
                Arguments.of("opcode 14", ScriptedWebSocketPeer.frame(true, 0, 14, hello, true)),
                Arguments.of("opcode 15", ScriptedWebSocketPeer.frame(true, 0, 15, hello, true)),
                Arguments.of("a fragmented pong", concat(ScriptedWebSocketPeer.frame(false, 0, PONG, hello, true),
                        ScriptedWebSocketPeer.frame(true, 0, CONTINUATION, hello, true))),
                Arguments.of("a continuation without FIN and nothing to continue", concat(
                        ScriptedWebSocketPeer.frame(false, 0, CONTINUATION, hello, true),
                        ScriptedWebSocketPeer.frame(true, 0, TEXT, hello, true))),
                Arguments.of("a second text frame inside a fragmented text", concat(
                        ScriptedWebSocketPeer.frame(false, 0, TEXT, hello, true),
                        ScriptedWebSocketPeer.frame(true, 0, TEXT, hello, true))),
                Arguments.of("a continuation after a whole fragmented text", concat(
                        ScriptedWebSocketPeer.frame(false, 0, TEXT, hello, true),
                        ScriptedWebSocketPeer.frame(true, 0, CONTINUATION, hello, true),
                        ScriptedWebSocketPeer.frame(false, 0, CONTINUATION, hello, true))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("errorsAfterAnEcho")
    void echoesUntilTheBrokenFrameThenFailsWith1002AndAnswersNoLaterPing(String what, byte[] broken) {
        assertTimeoutPreemptively(TEST_TIMEOUT, () -> {
            try (var peer = ScriptedWebSocketPeer.open(server.port(), "/ws")) {
                peer.sendText("Hello, world!");
                assertEquals("Hello, world!", peer.read().text());
                byte[] wire = concat(broken, ScriptedWebSocketPeer.frame(true, 0, PING, new byte[] {1}, true));
                try {
                    peer.sendInChops(wire, 1);
                } catch (IOException e) {
                    // the server failed the connection before the ping went; its close frame is read below
                }
                ScriptedWebSocketPeer.Frame next = peer.read();
                while (next.opcode() < CLOSE) {
                    next = peer.read(); // the echo of a message that ended before the broken frame
                }
                assertEquals(CLOSE, next.opcode(), what + ": a close frame, before any pong");
                assertEquals(1002, next.closeCode(), what);
                assertTrue(peer.isClosedByPeer(Duration.ofSeconds(5)), "closed after the close frame");
            }
        });
    }

    @ParameterizedTest(name = "one frame: {0}")
    @ValueSource(booleans = {false, true})
    void failsTextWith1007AsSoonAsTheByteThatMakesItInvalidArrives(boolean oneFrame) {
        // The Autobahn cases 6.4.1-6.4.4: cebae1bdb9cf83cebcceb5, then f4 90 (above U+10FFFF), then the rest.
        byte[] valid = HexFormat.of().parseHex("cebae1bdb9cf83cebcceb5");
        byte[] invalid = HexFormat.of().parseHex("f4908080");
        byte[] rest = "edited".getBytes(UTF_8);
        byte[] first;
        byte[] second;
        if (oneFrame) {
            byte[] frame = ScriptedWebSocketPeer.frame(true, 0, TEXT, concat(valid, invalid, rest), true);
            first = Arrays.copyOf(frame, 6 + valid.length);
            second = Arrays.copyOfRange(frame, first.length, first.length + 2);
        } else {
            first = ScriptedWebSocketPeer.frame(false, 0, TEXT, valid, true);
            second = Arrays.copyOf(ScriptedWebSocketPeer.frame(false, 0, CONTINUATION, invalid, true), 6 + 2);
        }
        assertTimeoutPreemptively(TEST_TIMEOUT, () -> {
            try (var peer = ScriptedWebSocketPeer.open(server.port(), "/ws")) {
                peer.raw().send(first);
                assertFalse(peer.raw().isReadable(Duration.ofMillis(200)), "the valid start is taken");
                peer.raw().send(second);
                assertTrue(peer.raw().isReadable(Duration.ofSeconds(3)), "failed without the rest of the frame");
                assertEquals(1007, peer.readClose().closeCode());
                assertTrue(peer.isClosedByPeer(Duration.ofSeconds(5)), "closed after the close frame");
            }
        });
    }

    static Stream<Arguments> framesAfterTheClose() {
        byte[] fragment = "fragment".getBytes(UTF_8);
        byte[] nothing = new byte[0];
        return Stream.of(
                Arguments.of("a second close", nothing, ScriptedWebSocketPeer.frame(true, 0, CLOSE,
                        new byte[] {3, (byte) 0xe8}, true)),
                Arguments.of("a ping", nothing, ScriptedWebSocketPeer.frame(true, 0, PING, fragment, true)),
                Arguments.of("a text", nothing, ScriptedWebSocketPeer.frame(true, 0, TEXT, fragment, true)),
                Arguments.of("the last fragment of a text begun before the close",
                        ScriptedWebSocketPeer.frame(false, 0, TEXT, fragment, true),
                        ScriptedWebSocketPeer.frame(true, 0, CONTINUATION, fragment, true)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("framesAfterTheClose")
    void answersTheCloseWith1000AndIgnoresWhatComesAfterIt(String what, byte[] before, byte[] after) {
        assertTimeoutPreemptively(TEST_TIMEOUT, () -> {
            try (var peer = ScriptedWebSocketPeer.open(server.port(), "/ws")) {
                byte[] close = ScriptedWebSocketPeer.frame(true, 0, CLOSE, new byte[] {3, (byte) 0xe8}, true);
                peer.raw().send(concat(before, close, after));
                ScriptedWebSocketPeer.Frame next = peer.read();
                assertEquals(CLOSE, next.opcode(), what + ": the close answered first");
                assertEquals(1000, next.closeCode());
                assertTrue(peer.isEndedByPeer(Duration.ofSeconds(5)), "nothing more, and the connection ends");
            }
        });
    }

    @Test
    void echoesA256KiBTextSentRightBeforeTheCloseThenAnswersTheClose() {
        byte[] text = "*".repeat(256 * 1024).getBytes(UTF_8);
        assertTimeoutPreemptively(TEST_TIMEOUT, () -> {
            try (var peer = ScriptedWebSocketPeer.open(server.port(), "/ws")) {
                peer.raw().send(concat(ScriptedWebSocketPeer.frame(true, 0, TEXT, text, true),
                        ScriptedWebSocketPeer.frame(true, 0, CLOSE, new byte[] {3, (byte) 0xe8}, true),
                        ScriptedWebSocketPeer.frame(true, 0, PING, new byte[0], true)));
                assertArrayEquals(text, peer.readMessage().payload());
                assertEquals(1000, peer.read().closeCode());
                assertTrue(peer.isEndedByPeer(Duration.ofSeconds(5)), "no pong, and the connection ends");
            }
        });
    }

    @ParameterizedTest(name = "a reason of {0} bytes")
    @ValueSource(ints = {-2, 0, 10, 123})
    void answersACloseWithoutCodeOrWithAReasonOfUpTo123BytesCleanly(int reasonBytes) {
        assertTimeoutPreemptively(TEST_TIMEOUT, () -> {
            try (var peer = ScriptedWebSocketPeer.open(server.port(), "/ws")) {
                if (reasonBytes < 0) {
                    peer.send(true, CLOSE, new byte[0]);
                    int code = peer.readClose().closeCode();
                    assertTrue(code == 1000 || code == 1005, "answered with " + code);
                } else {
                    peer.sendClose(1000, "*".repeat(reasonBytes));
                    assertEquals(1000, peer.readClose().closeCode());
                }
                assertTrue(peer.isClosedByPeer(Duration.ofSeconds(5)));
            }
        });
    }

    @ParameterizedTest(name = "close code {0}")
    @ValueSource(ints = {0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535})
    void answersACloseCodeThatMayNotBeSentWith1002(int code) {
        assertTimeoutPreemptively(TEST_TIMEOUT, () -> {
            try (var peer = ScriptedWebSocketPeer.open(server.port(), "/ws")) {
                peer.sendClose(code, "");
                assertEquals(1002, peer.readClose().closeCode());
            }
        });
    }

    @ParameterizedTest(name = "close code {0}")
    @ValueSource(ints = {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000,
            4999})
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
