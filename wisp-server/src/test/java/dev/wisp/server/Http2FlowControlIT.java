package dev.wisp.server;

import static dev.wisp.http2.ErrorCode.FLOW_CONTROL_ERROR;
import static dev.wisp.server.Http2TestPeer.request;
import static dev.wisp.server.Http2TestPeer.talk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.http2.DataFrame;
import dev.wisp.http2.ErrorCode;
import dev.wisp.http2.FrameType;
import dev.wisp.http2.ResetFrame;
import dev.wisp.http2.Setting;
import dev.wisp.http2.Settings;
import dev.wisp.http2.SettingsFrame;
import dev.wisp.http2.WindowUpdateFrame;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Flow control (RFC 9113 §5.2, §6.9) and the settings that shape what the server sends (§6.5.2), with the
 * message-exchange details that ride on them (§8.1): the connection window apart from the streams', the receive
 * windows enforced and padding's credit given back, a reset stream that sends no more, the peer's frame size and
 * HPACK table size obeyed, interim 100 responses and HEAD.
 */
class Http2FlowControlIT {
    @RegisterExtension
    static final Http2TestServers.Shared SHARED = new Http2TestServers.Shared();

    private static Http2TestPeer startWith(Setting... settings) throws Exception {
        Http2TestPeer peer = Http2TestPeer.connect(SHARED.server());
        peer.handshake(settings);
        return peer;
    }

    private static int dataBytes(List<Http2TestPeer.Received> frames, int streamId) {
        return frames.stream().filter(f -> f.is(FrameType.DATA) && f.streamId() == streamId)
                .mapToInt(f -> f.payload().length).sum();
    }

    /** Reads until this many bytes of DATA on the stream came in all; fails on a reset or GOAWAY. */
    private static void awaitData(Http2TestPeer peer, int streamId, int total) throws Exception {
        while (dataBytes(peer.received(), streamId) < total) {
            Http2TestPeer.Received frame = peer.next();
            assertTrue(!frame.is(FrameType.RST_STREAM) && !frame.is(FrameType.GOAWAY), frame::toString);
        }
        assertEquals(total, dataBytes(peer.received(), streamId));
    }

    @Test
    void leavesTheConnectionWindowAloneWhenTheInitialWindowSizeChanges() {
        assertTimeoutPreemptively(TestServers.TEST_TIMEOUT, () -> {
            try (Http2TestPeer peer = startWith(new Setting(Settings.INITIAL_WINDOW_SIZE, 1 << 20))) {
                peer.get(1, "/large");
                awaitData(peer, 1, Settings.DEFAULT.initialWindowSize()); // §6.9.2: the connection's 65,535
                peer.expectStillOpen();
                assertEquals(Settings.DEFAULT.initialWindowSize(), dataBytes(peer.received(), 1));
                peer.send(new WindowUpdateFrame(0, Http2TestServers.LARGE_BYTES));
                awaitData(peer, 1, Http2TestServers.LARGE_BYTES);
            }
        });
    }

    @Test
    void answersDataPastTheStreamsReceiveWindowWithFlowControlError() {
        talk(SHARED.server(), peer -> {
            peer.headers(1, false, request("GET", "/block")); // a handler that never reads
            byte[] frame = new byte[16_384];
            for (int sent = 0; sent < 256 * 1024; sent += frame.length) {
                peer.send(new DataFrame(1, frame, false));
            }
            peer.expectStillOpen(); // the whole window, announced in SETTINGS_INITIAL_WINDOW_SIZE, is allowed
            peer.send(new DataFrame(1, new byte[1], false));
            peer.expectStreamOrConnectionError(1, FLOW_CONTROL_ERROR);
        });
    }

    @Test
    void givesBackTheCreditThatPaddingTook() {
        talk(SHARED.server(), peer -> {
            peer.headers(1, false, request("POST", "/echo"));
            // 5,000 frames of one byte and 254 of padding: 1.27 MB against windows of 256 KiB and 1 MiB.
            byte[] padded = new byte[255];
            padded[0] = (byte) 253;
            padded[1] = 'x';
            for (int i = 0; i < 5000; i++) {
                peer.sendFrame(FrameType.DATA.code(), Http2TestPeer.PADDED, 1, padded);
            }
            peer.data(1, "", true);
            assertEquals("x".repeat(5000), peer.expectResponse(1).bodyText());
        });
    }

    @Test
    void sendsNothingMoreOnAStreamTheClientReset() {
        assertTimeoutPreemptively(TestServers.TEST_TIMEOUT, () -> {
            try (Http2TestPeer peer = startWith(new Setting(Settings.INITIAL_WINDOW_SIZE, 10))) {
                peer.get(1, "/large");
                awaitData(peer, 1, 10);
                peer.send(new ResetFrame(1, ErrorCode.CANCEL), new WindowUpdateFrame(1, 1000));
                peer.expectStillOpen();
                peer.get(3, "/hello");
                peer.send(new WindowUpdateFrame(3, 100));
                assertEquals("hello\n", peer.expectResponse(3).bodyText());
                assertEquals(10, dataBytes(peer.received(), 1), "no DATA on stream 1 after its reset");
            }
        });
    }

    @Test
    void sendsFramesAsLargeAsThePeerAllowsAndNoLarger() {
        assertTimeoutPreemptively(TestServers.TEST_TIMEOUT, () -> {
            try (Http2TestPeer peer = startWith(new Setting(Settings.MAX_FRAME_SIZE, 32_768),
                    new Setting(Settings.INITIAL_WINDOW_SIZE, 1 << 20))) {
                peer.send(new WindowUpdateFrame(0, 1 << 20));
                peer.get(1, "/large");
                awaitData(peer, 1, Http2TestServers.LARGE_BYTES); // the peer fails on a frame past 32,768
                assertTrue(peer.received().stream().anyMatch(f -> f.is(FrameType.DATA) && f.payload().length > 16_384),
                        "some DATA frames use the larger size");
            }
        });
    }

    @Test
    void shrinksItsHpackTableToWhatThePeerAllows() {
        assertTimeoutPreemptively(TestServers.TEST_TIMEOUT, () -> {
            try (Http2TestPeer peer = startWith(new Setting(Settings.HEADER_TABLE_SIZE, 0))) {
                for (int id = 1; id <= 5; id += 2) { // the decoder fails on a block that breaks RFC 7541 §4.2
                    peer.get(id, "/hello");
                    assertEquals("hello\n", peer.expectResponse(id).bodyText());
                }
            }
        });
    }

    @Test
    void signalsTheSmallestTableSizeSinceItsLastBlockWhenTheLimitFallsAndRisesAgain() {
        talk(SHARED.server(), peer -> {
            peer.get(1, "/hello");
            peer.expectResponse(1); // the server's table now holds entries of that response
            Setting none = new Setting(Settings.HEADER_TABLE_SIZE, 0);
            Setting back = new Setting(Settings.HEADER_TABLE_SIZE, 4096);
            peer.send(new SettingsFrame(List.of(none)), new SettingsFrame(List.of(back)));
            peer.awaitAcknowledged(2, none, back); // RFC 7541 §4.2: the next block must signal 0 first
            for (int id = 3; id <= 7; id += 2) {
                peer.get(id, "/hello");
                assertEquals("hello\n", peer.expectResponse(id).bodyText());
            }
        });
    }

    @Test
    void sendsAnInterimContinueBeforeReadingABodyThatWaitsForIt() {
        talk(SHARED.server(), peer -> {
            peer.headers(1, false, request("POST", "/echo", "expect", "100-continue"));
            Http2TestPeer.Received interim = peer.next();
            while (!interim.is(FrameType.HEADERS)) {
                interim = peer.next();
            }
            assertEquals("100", interim.fields().get(0).value(), interim::toString);
            assertTrue(!interim.has(Http2TestPeer.END_STREAM), "an interim response does not end the stream");
            peer.data(1, "go", true);
            assertEquals("go", peer.expectResponse(1).bodyText());
        });
    }

    @Test
    void answersHeadWithAHeadThatEndsTheStream() {
        talk(SHARED.server(), peer -> {
            peer.headers(1, true, request("HEAD", "/hello"));
            Http2TestPeer.Response response = peer.expectResponse(1);
            assertEquals(200, response.status());
            assertEquals("6", response.header("content-length"));
            assertEquals(0, response.body().length);
            assertEquals(0, dataBytes(peer.received(), 1), "no DATA for HEAD");
        });
    }
}
