package dev.wisp.server;

import static dev.wisp.http2.ErrorCode.FLOW_CONTROL_ERROR;
import static dev.wisp.http2.ErrorCode.FRAME_SIZE_ERROR;
import static dev.wisp.http2.ErrorCode.PROTOCOL_ERROR;
import static dev.wisp.server.Http2TestPeer.END_HEADERS;
import static dev.wisp.server.Http2TestPeer.END_STREAM;
import static dev.wisp.server.Http2TestPeer.PADDED;
import static dev.wisp.server.Http2TestPeer.PRIORITY;
import static dev.wisp.server.Http2TestPeer.bytes;
import static dev.wisp.server.Http2TestPeer.concat;
import static dev.wisp.server.Http2TestPeer.request;
import static dev.wisp.server.Http2TestPeer.talk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.http2.ErrorCode;
import dev.wisp.http2.FrameType;
import dev.wisp.http2.PingFrame;
import dev.wisp.http2.Setting;
import dev.wisp.http2.Settings;
import dev.wisp.http2.SettingsFrame;
import dev.wisp.http2.WindowUpdateFrame;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * RFC 9113 §6: the rules of each frame type (DATA, HEADERS, PRIORITY, RST_STREAM, SETTINGS, PING, GOAWAY,
 * WINDOW_UPDATE, CONTINUATION), with flow control (§6.9) on tiny windows, against a scripted peer.
 */
class Http2FrameTypesIT {
    @RegisterExtension
    static final Http2TestServers.Shared SHARED = new Http2TestServers.Shared();
    private static final int HEADERS = FrameType.HEADERS.code();

    /** Each frame, sent on a connection of its own after the handshake, must end it with GOAWAY of this code. */
    private static void assertConnectionError(ErrorCode code, byte[]... frames) {
        for (byte[] frame : frames) {
            talk(SHARED.server(), peer -> {
                peer.sendBytes(frame);
                peer.expectGoAwayAndClose(code);
            });
        }
    }

    private static byte[] frame(FrameType type, int flags, int streamId, byte[] payload) {
        return Http2TestPeer.frameBytes(type.code(), flags, streamId, payload);
    }

    private static byte[] setting(int identifier, long value) {
        return ByteBuffer.allocate(6).putShort((short) identifier).putInt((int) value).array();
    }

    @Test
    void endsTheConnectionForFramesOnTheWrongStreamOrOfTheWrongLength() {
        assertConnectionError(PROTOCOL_ERROR,
                frame(FrameType.DATA, 0, 0, new byte[1]), // §6.1
                frame(FrameType.HEADERS, END_HEADERS, 0, new byte[0]), // §6.2
                frame(FrameType.PRIORITY, 0, 0, bytes(0, 0, 0, 1, 15)), // §6.3
                frame(FrameType.RST_STREAM, 0, 0, bytes(0, 0, 0, 8)), // §6.4
                frame(FrameType.SETTINGS, 0, 1, new byte[0]), // §6.5
                frame(FrameType.PING, 0, 1, new byte[8]), // §6.7
                frame(FrameType.GOAWAY, 0, 1, new byte[8])); // §6.8
        assertConnectionError(FRAME_SIZE_ERROR,
                frame(FrameType.RST_STREAM, 0, 1, bytes(0, 0, 8)), // §6.4
                frame(FrameType.SETTINGS, Http2TestPeer.ACK, 0, new byte[6]), // §6.5
                frame(FrameType.SETTINGS, 0, 0, new byte[5]), // §6.5
                frame(FrameType.PING, 0, 0, new byte[9]), // §6.7
                frame(FrameType.GOAWAY, 0, 0, new byte[7]), // §6.8
                frame(FrameType.WINDOW_UPDATE, 0, 0, bytes(0, 0, 1))); // §6.9
    }

    @Test
    void endsTheConnectionForPaddingLongerThanTheFrame() {
        talk(SHARED.server(), peer -> {
            peer.headers(1, false, request("POST", "/echo"));
            peer.sendFrame(FrameType.DATA.code(), PADDED, 1, bytes(5, 'a', 'b')); // §6.1
            peer.expectStreamOrConnectionError(1, PROTOCOL_ERROR);
        });
        talk(SHARED.server(), peer -> {
            byte[] block = peer.encode(request("GET", "/hello"));
            peer.sendFrame(HEADERS, END_HEADERS | END_STREAM | PADDED, 1,
                    concat(bytes(block.length + 1), block)); // §6.2
            peer.expectStreamOrConnectionError(1, PROTOCOL_ERROR);
        });
    }

    @Test
    void takesPaddedDataAndHeadersWithPriority() {
        talk(SHARED.server(), peer -> {
            byte[] block = peer.encode(request("POST", "/echo", "content-length", "2"));
            peer.sendFrame(HEADERS, END_HEADERS | PADDED | PRIORITY, 1,
                    concat(bytes(3), bytes(0x80, 0, 0, 0, 15), block, new byte[3]));
            peer.sendFrame(FrameType.DATA.code(), PADDED | END_STREAM, 1, bytes(4, 'o', 'k', 0, 0, 0, 0));
            assertEquals("ok", peer.expectResponse(1).bodyText());
        });
    }

    @Test
    void resetsTheStreamOfAPriorityFrameOfTheWrongLengthAndGoesOn() {
        talk(SHARED.server(), peer -> {
            peer.get(1, "/block");
            peer.sendFrame(FrameType.PRIORITY.code(), 0, 1, bytes(0, 0, 0, 3)); // §6.3: a stream error
            peer.expectReset(1, FRAME_SIZE_ERROR);
            peer.get(3, "/hello");
            assertEquals(200, peer.expectResponse(3).status());
        });
    }

    @Test
    void endsTheConnectionForSettingsOutOfRange() {
        assertConnectionError(PROTOCOL_ERROR,
                frame(FrameType.SETTINGS, 0, 0, setting(Settings.ENABLE_PUSH, 2)),
                frame(FrameType.SETTINGS, 0, 0, setting(Settings.MAX_FRAME_SIZE, 16_383)),
                frame(FrameType.SETTINGS, 0, 0, setting(Settings.MAX_FRAME_SIZE, 16_777_216)));
        assertConnectionError(FLOW_CONTROL_ERROR,
                frame(FrameType.SETTINGS, 0, 0, setting(Settings.INITIAL_WINDOW_SIZE, 1L << 31)));
    }

    @Test
    void acknowledgesSettingsAndIgnoresUnknownParameters() {
        talk(SHARED.server(), peer -> {
            peer.sendFrame(FrameType.SETTINGS.code(), 0, 0, concat(setting(0xff, 1), setting(0x1234, 0xffff_ffffL)));
            Http2TestPeer.Received ack = peer.next();
            assertTrue(ack.is(FrameType.SETTINGS) && ack.has(Http2TestPeer.ACK) && ack.payload().length == 0,
                    ack::toString);
            peer.expectStillOpen();
        });
    }

    @Test
    void takesTheLastValueOfAParameterThatASettingsFrameRepeats() {
        talk(SHARED.server(), peer -> {
            peer.send(new SettingsFrame(List.of(new Setting(Settings.INITIAL_WINDOW_SIZE, 100),
                    new Setting(Settings.INITIAL_WINDOW_SIZE, 1))));
            peer.get(1, "/hello");
            assertEquals(1, firstData(peer, 1).length, "DATA as large as a window of 1");
        });
    }

    @Test
    void answersPingWithItsPayloadAndNeverAnAcknowledgement() {
        talk(SHARED.server(), peer -> {
            peer.send(new PingFrame(true, 0x1234), new PingFrame(false, 0x5678));
            Http2TestPeer.Received ack = peer.next();
            assertTrue(ack.is(FrameType.PING) && ack.has(Http2TestPeer.ACK), ack::toString);
            assertEquals(0x5678, ByteBuffer.wrap(ack.payload()).getLong(), "the PING's payload, not the ACK's");
        });
    }

    @Test
    void finishesTheStreamsInFlightAfterTheClientsGoAway() {
        talk(SHARED.server(), peer -> {
            peer.headers(1, false, request("POST", "/echo"));
            peer.sendFrame(FrameType.GOAWAY.code(), 0, 0, bytes(0, 0, 0, 1, 0, 0, 0, 0));
            peer.data(1, "still served", true);
            assertEquals("still served", peer.expectResponse(1).bodyText());
            peer.expectClosed();
        });
    }

    @Test
    void answersAWindowUpdateOfZeroByTheWindowItNames() {
        assertConnectionError(PROTOCOL_ERROR, frame(FrameType.WINDOW_UPDATE, 0, 0, bytes(0, 0, 0, 0)));
        talk(SHARED.server(), peer -> {
            peer.get(1, "/block");
            peer.sendFrame(FrameType.WINDOW_UPDATE.code(), 0, 1, bytes(0, 0, 0, 0));
            peer.expectReset(1, PROTOCOL_ERROR);
        });
    }

    @Test
    void answersAWindowPastTwoToThe31WithFlowControlError() {
        talk(SHARED.server(), peer -> {
            peer.send(new WindowUpdateFrame(0, Integer.MAX_VALUE));
            peer.expectGoAwayAndClose(FLOW_CONTROL_ERROR);
        });
        talk(SHARED.server(), peer -> {
            peer.get(1, "/block");
            peer.send(new WindowUpdateFrame(1, Integer.MAX_VALUE));
            peer.expectReset(1, FLOW_CONTROL_ERROR);
            peer.expectStillOpen();
        });
        talk(SHARED.server(), peer -> {
            // §6.9.2: a SETTINGS_INITIAL_WINDOW_SIZE change that takes an open stream's window past 2^31-1.
            peer.get(1, "/block");
            peer.send(new WindowUpdateFrame(1, Integer.MAX_VALUE - Settings.DEFAULT.initialWindowSize()));
            peer.send(new SettingsFrame(List.of(new Setting(Settings.INITIAL_WINDOW_SIZE, 65_536))));
            peer.expectGoAwayAndClose(FLOW_CONTROL_ERROR);
        });
    }

    @Test
    void sendsNoMoreThanAWindowOfOneByteAllows() {
        assertTimeoutPreemptively(TestServers.TEST_TIMEOUT, () -> {
            try (Http2TestPeer peer = Http2TestPeer.connect(SHARED.server())) {
                peer.handshake(new Setting(Settings.INITIAL_WINDOW_SIZE, 1));
                peer.get(1, "/hello");
                assertEquals(1, firstData(peer, 1).length);
                peer.expectStillOpen(); // nothing more came meanwhile
                assertEquals(0, dataBytes(peer.received(), 1) - 1, "no DATA beyond the window");
                peer.send(new WindowUpdateFrame(1, 5));
                assertEquals("ello\n", new String(firstData(peer, 1), StandardCharsets.US_ASCII));
            }
        });
    }

    @Test
    void shiftsOpenStreamWindowsWhenTheInitialWindowSizeChangesEvenBelowZero() {
        assertTimeoutPreemptively(TestServers.TEST_TIMEOUT, () -> {
            try (Http2TestPeer peer = Http2TestPeer.connect(SHARED.server())) {
                peer.handshake(new Setting(Settings.INITIAL_WINDOW_SIZE, 0));
                peer.get(1, "/large");
                peer.expectStillOpen();
                assertEquals(0, dataBytes(peer.received(), 1), "no DATA on a window of 0");
                peer.send(new SettingsFrame(List.of(new Setting(Settings.INITIAL_WINDOW_SIZE, 5))));
                assertEquals(5, firstData(peer, 1).length);
                // 5 sent on a window of 5: setting 0 leaves -5, so 5 more bytes of credit still allow nothing.
                peer.send(new SettingsFrame(List.of(new Setting(Settings.INITIAL_WINDOW_SIZE, 0))),
                        new WindowUpdateFrame(1, 5));
                peer.expectStillOpen();
                assertEquals(5, dataBytes(peer.received(), 1));
                peer.send(new WindowUpdateFrame(1, 3));
                assertEquals(3, firstData(peer, 1).length);
            }
        });
    }

    @Test
    void joinsAHeaderBlockSplitIntoManyContinuationFrames() {
        talk(SHARED.server(), peer -> {
            byte[] block = peer.encode(request("GET", "/hello", "x-filler", "f".repeat(100)));
            peer.sendFrame(HEADERS, END_STREAM, 1, Arrays.copyOfRange(block, 0, 10));
            for (int at = 10; at < block.length; at += 10) {
                peer.continuation(1, Arrays.copyOfRange(block, at, Math.min(at + 10, block.length)),
                        at + 10 >= block.length);
            }
            assertEquals("hello\n", peer.expectResponse(1).bodyText());
        });
    }

    @Test
    void endsTheConnectionForContinuationWithoutAnOpenHeaderBlock() {
        talk(SHARED.server(), peer -> {
            peer.get(1, "/hello");
            peer.continuation(1, new byte[0], true);
            peer.expectGoAwayAndClose(PROTOCOL_ERROR);
        });
        talk(SHARED.server(), peer -> {
            byte[] block = peer.encode(request("GET", "/hello"));
            peer.sendFrame(HEADERS, END_STREAM, 1, block);
            peer.continuation(1, new byte[0], true);
            peer.continuation(1, new byte[0], true);
            peer.expectGoAwayAndClose(PROTOCOL_ERROR);
        });
        talk(SHARED.server(), peer -> {
            peer.headers(1, false, request("POST", "/echo"));
            peer.data(1, "x", false);
            peer.continuation(1, new byte[0], true);
            peer.expectGoAwayAndClose(PROTOCOL_ERROR);
        });
        talk(SHARED.server(), peer -> {
            peer.sendFrame(HEADERS, END_STREAM, 1, peer.encode(request("GET", "/hello")));
            peer.sendFrame(FrameType.CONTINUATION.code(), END_HEADERS, 0, new byte[0]);
            peer.expectGoAwayAndClose(PROTOCOL_ERROR);
        });
    }

    /** Reads until the next DATA frame on the stream and returns its content. */
    private static byte[] firstData(Http2TestPeer peer, int streamId) throws IOException {
        while (true) {
            Http2TestPeer.Received frame = peer.next();
            if (frame.is(FrameType.DATA) && frame.streamId() == streamId) {
                return frame.payload();
            }
            assertTrue(!frame.is(FrameType.RST_STREAM) && !frame.is(FrameType.GOAWAY), frame::toString);
        }
    }

    private static int dataBytes(List<Http2TestPeer.Received> frames, int streamId) {
        return frames.stream().filter(f -> f.is(FrameType.DATA) && f.streamId() == streamId)
                .mapToInt(f -> f.payload().length).sum();
    }
}
