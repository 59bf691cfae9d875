package dev.wisp.server;

import static dev.wisp.server.TestServers.TEST_TIMEOUT;
import static dev.wisp.testing.ScriptedWebSocketPeer.BINARY;
import static dev.wisp.testing.ScriptedWebSocketPeer.CONTINUATION;
import static dev.wisp.testing.ScriptedWebSocketPeer.PING;
import static dev.wisp.testing.ScriptedWebSocketPeer.PONG;
import static dev.wisp.testing.ScriptedWebSocketPeer.TEXT;
import static dev.wisp.testing.FuzzBytes.concat;
import static dev.wisp.testing.ScriptedWebSocketPeer.fragments;
import static dev.wisp.testing.ScriptedWebSocketPeer.frame;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.testing.ScriptedWebSocketPeer;
import dev.wisp.websocket.WebSocketConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a server WebSocket that echoes every message does with valid traffic from a client, over a real socket, with
 * the default limits: the Autobahn catalogue's sections 1 (frame lengths, frames in chops), 2 (pings and pongs),
 * 5 (fragments, control frames among them), 6.1-6.2 (empty and split text), 9 (messages up to the 1 MiB default in
 * frames large and small, 1009 beyond it) and 10 (a message in fragments of 1300 bytes), written as our own.
 */
class WebSocketEchoIT {
    private static final int LIMIT = WebSocketConfig.defaults().maxMessageBytes();
    /** One echo for the class: each test talks on its own connection, which it ends. */
    private static Server server;

    @BeforeAll
    static void start() {
        server = TestServers.startWebSocketEcho(WebSocketConfig.defaults());
    }

    @AfterAll
    static void stop() {
        server.stop(Duration.ZERO);
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 125, 126, 127, 128, 65_535, 65_536})
    void echoesTextAndBinaryOfEveryLengthEncodingWholeAndInChopsOf997Bytes(int length) {
        byte[] text = "*".repeat(length).getBytes(UTF_8);
        byte[] binary = new byte[length];
        Arrays.fill(binary, (byte) 0xfe);
        talk(peer -> {
            peer.raw().send(frame(true, 0, TEXT, text, true));
            assertMessage(TEXT, text, peer.readMessage());
            peer.raw().send(frame(true, 0, BINARY, binary, true));
            assertMessage(BINARY, binary, peer.readMessage());
            peer.sendInChops(frame(true, 0, TEXT, text, true), 997);
            assertMessage(TEXT, text, peer.readMessage());
            peer.sendInChops(frame(true, 0, BINARY, binary, true), 997);
            assertMessage(BINARY, binary, peer.readMessage());
        });
    }

    @Test
    void answersEachPingWithItsPayloadAndUnsolicitedPongsWithNothing() {
        byte[] fe125 = new byte[125];
        Arrays.fill(fe125, (byte) 0xfe);
        byte[][] payloads = {new byte[0], "Hello, world!".getBytes(UTF_8), HexFormat.of().parseHex("00fffefdfcfb00ff"),
                fe125};
        talk(peer -> {
            peer.raw().send(frame(true, 0, PONG, new byte[0], true));
            peer.raw().send(frame(true, 0, PONG, "unsolicited pong payload".getBytes(UTF_8), true));
            for (byte[] payload : payloads) {
                peer.raw().send(frame(true, 0, PING, payload, true));
                assertPong(payload, peer.read());
            }
            peer.sendInChops(frame(true, 0, PING, fe125, true), 1);
            assertPong(fe125, peer.read());
        });
    }

    @ParameterizedTest(name = "in chops of {0} bytes")
    @ValueSource(ints = {1, 100_000})
    void answersTenPingsWithTenPongsInOrder(int chop) {
        talk(peer -> {
            ByteArrayOutputStream pings = new ByteArrayOutputStream();
            for (int i = 0; i < 10; i++) {
                pings.writeBytes(frame(true, 0, PING, ("payload-" + i).getBytes(UTF_8), true));
            }
            peer.sendInChops(pings.toByteArray(), chop);
            for (int i = 0; i < 10; i++) {
                assertPong(("payload-" + i).getBytes(UTF_8), peer.read());
            }
        });
    }

    @ParameterizedTest(name = "in chops of {0} bytes")
    @ValueSource(ints = {1, 100_000})
    void echoesFragmentedMessagesWithPingsAndPongsBetweenTheFragments(int chop) {
        talk(peer -> {
            byte[] wire = concat(frame(false, 0, TEXT, "fragment1".getBytes(UTF_8), true),
                    frame(true, 0, PING, "ping payload".getBytes(UTF_8), true),
                    frame(true, 0, PONG, "pong payload".getBytes(UTF_8), true),
                    frame(true, 0, CONTINUATION, "fragment2".getBytes(UTF_8), true),
                    frame(false, 0, BINARY, new byte[] {1}, true),
                    frame(false, 0, CONTINUATION, new byte[] {2}, true),
                    frame(true, 0, CONTINUATION, new byte[] {3}, true));
            peer.sendInChops(wire, chop);
            assertPong("ping payload".getBytes(UTF_8), peer.read());
            assertMessage(TEXT, "fragment1fragment2".getBytes(UTF_8), peer.readMessage());
            assertMessage(BINARY, new byte[] {1, 2, 3}, peer.readMessage());
        });
    }

    @Test
    void answersAPingBeforeTheFragmentedMessageAroundItEnds() {
        talk(peer -> {
            peer.raw().send(concat(frame(false, 0, TEXT, "fragment1".getBytes(UTF_8), true),
                    frame(false, 0, CONTINUATION, "fragment2".getBytes(UTF_8), true),
                    frame(true, 0, PING, "pongme 1!".getBytes(UTF_8), true)));
            assertPong("pongme 1!".getBytes(UTF_8), peer.read());
            peer.raw().send(concat(frame(false, 0, CONTINUATION, "fragment3".getBytes(UTF_8), true),
                    frame(true, 0, PING, "pongme 2!".getBytes(UTF_8), true),
                    frame(true, 0, CONTINUATION, "fragment4".getBytes(UTF_8), true)));
            assertPong("pongme 2!".getBytes(UTF_8), peer.read());
            assertMessage(TEXT, "fragment1fragment2fragment3fragment4".getBytes(UTF_8), peer.readMessage());
        });
    }

    @Test
    void echoesEmptyFragmentsAndTextSplitInsideEveryCharacter() {
        byte[] text = "κόσμε ∮ E⋅da = Q, 𝄞 and \u0000 hello".getBytes(UTF_8);
        talk(peer -> {
            peer.raw().send(concat(frame(false, 0, TEXT, new byte[0], true),
                    frame(false, 0, CONTINUATION, new byte[0], true), frame(true, 0, CONTINUATION, new byte[0], true)));
            assertMessage(TEXT, new byte[0], peer.readMessage());
            peer.raw().send(concat(frame(false, 0, TEXT, new byte[0], true),
                    frame(false, 0, CONTINUATION, "middle frame payload".getBytes(UTF_8), true),
                    frame(true, 0, CONTINUATION, new byte[0], true)));
            assertMessage(TEXT, "middle frame payload".getBytes(UTF_8), peer.readMessage());
            peer.raw().send(fragments(TEXT, 0, text, 1, true));
            assertMessage(TEXT, text, peer.readMessage());
        });
    }

    @ParameterizedTest(name = "frames of {0} bytes")
    @ValueSource(ints = {64, 4096, 65_536})
    void echoesMessagesOfTheDefaultLimitInFramesLargeAndSmall(int frameBytes) {
        byte[] text = "*".repeat(LIMIT).getBytes(UTF_8);
        byte[] binary = new byte[LIMIT];
        Arrays.fill(binary, (byte) 0xfe);
        talk(peer -> {
            peer.raw().send(fragments(TEXT, 0, text, frameBytes, true));
            assertMessage(TEXT, text, peer.readMessage());
            peer.raw().send(fragments(BINARY, 0, binary, frameBytes, true));
            assertMessage(BINARY, binary, peer.readMessage());
        });
    }

    @ParameterizedTest(name = "a frame in chops of {0} bytes")
    @ValueSource(ints = {256, 4096})
    void echoesAMessageOfTheDefaultLimitWhoseOneFrameArrivesInChops(int chop) {
        byte[] text = "*".repeat(LIMIT).getBytes(UTF_8);
        talk(peer -> {
            peer.sendInChops(frame(true, 0, TEXT, text, true), chop);
            assertMessage(TEXT, text, peer.readMessage());
        });
    }

    @ParameterizedTest(name = "frames of {0} bytes")
    @ValueSource(ints = {65_536, 1 << 20})
    void failsAMessageOneByteOverTheDefaultLimitWith1009(int frameBytes) {
        assertFailsWith1009(fragments(BINARY, 0, new byte[LIMIT + 1], frameBytes, true));
    }

    @Test
    void failsAFrameOneByteOverTheDefaultLimitWith1009BeforeItsPayload() {
        byte[] header = Arrays.copyOf(frame(true, 0, TEXT, new byte[LIMIT + 1], true), 14);
        assertFailsWith1009(header);
    }

    private static void assertFailsWith1009(byte[] wire) {
        assertTimeoutPreemptively(TEST_TIMEOUT, () -> {
            try (var peer = ScriptedWebSocketPeer.open(server.port(), "/ws")) {
                peer.raw().send(wire);
                assertEquals(1009, peer.readClose().closeCode());
                assertTrue(peer.isClosedByPeer(Duration.ofSeconds(5)));
            }
        });
    }

    @Test
    void echoesATextOf65536BytesInFragmentsOf1300() {
        byte[] text = "*".repeat(65_536).getBytes(UTF_8);
        talk(peer -> {
            peer.raw().send(fragments(TEXT, 0, text, 1300, true));
            assertMessage(TEXT, text, peer.readMessage());
        });
    }

    @Test
    void echoesAThousandSmallMessagesSentBeforeAnyIsRead() {
        talk(peer -> {
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            for (int i = 0; i < 1000; i++) {
                wire.writeBytes(frame(true, 0, i % 2 == 0 ? TEXT : BINARY, ("message " + i).getBytes(UTF_8), true));
            }
            peer.raw().send(wire.toByteArray());
            for (int i = 0; i < 1000; i++) {
                assertMessage(i % 2 == 0 ? TEXT : BINARY, ("message " + i).getBytes(UTF_8), peer.readMessage());
            }
        });
    }

    /** A conversation with the echo, ended by a close that is answered with 1000 and the end of the connection. */
    private interface Conversation {
        void run(ScriptedWebSocketPeer peer) throws IOException;
    }

    private static void talk(Conversation conversation) {
        assertTimeoutPreemptively(TEST_TIMEOUT, () -> {
            try (var peer = ScriptedWebSocketPeer.open(server.port(), "/ws")) {
                conversation.run(peer);
                assertFalse(peer.raw().isReadable(Duration.ofMillis(50)), "nothing more was sent");
                peer.sendClose(1000, "");
                assertEquals(1000, peer.readClose().closeCode());
                assertTrue(peer.isClosedByPeer(Duration.ofSeconds(5)));
            }
        });
    }

    private static void assertMessage(int opcode, byte[] payload, ScriptedWebSocketPeer.Frame message) {
        assertEquals(opcode, message.opcode(), "opcode");
        assertEquals(0, message.rsv(), "reserved bits");
        assertFalse(message.masked(), "a server's frames are not masked");
        assertArrayEquals(payload, message.payload());
    }

    private static void assertPong(byte[] payload, ScriptedWebSocketPeer.Frame frame) {
        assertEquals(PONG, frame.opcode(), "a pong");
        assertTrue(frame.fin());
        assertArrayEquals(payload, frame.payload());
    }
}
