package dev.wisp.server;

import static dev.wisp.http2.ErrorCode.COMPRESSION_ERROR;
import static dev.wisp.http2.ErrorCode.FRAME_SIZE_ERROR;
import static dev.wisp.http2.ErrorCode.PROTOCOL_ERROR;
import static dev.wisp.http2.ErrorCode.REFUSED_STREAM;
import static dev.wisp.http2.ErrorCode.STREAM_CLOSED;
import static dev.wisp.server.Http2TestPeer.bytes;
import static dev.wisp.server.Http2TestPeer.request;
import static dev.wisp.server.Http2TestPeer.talk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.http2.ConnectionPreface;
import dev.wisp.http2.DataFrame;
import dev.wisp.http2.ErrorCode;
import dev.wisp.http2.FrameType;
import dev.wisp.http2.HeadersFrame;
import dev.wisp.http2.PingFrame;
import dev.wisp.http2.Priority;
import dev.wisp.http2.PriorityFrame;
import dev.wisp.http2.ResetFrame;
import dev.wisp.http2.Settings;
import dev.wisp.http2.WindowUpdateFrame;
import dev.wisp.testing.RawPeer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RFC 9113 §3.4 to §5.5 and §7 against a scripted peer: the connection preface (in plaintext and over TLS), frame
 * format and size, header compression errors, stream states and identifiers, concurrency, self-dependency, error
 * handling and extensions. Our versions of h2spec's cases for those sections, each asserting the answer the RFC
 * requires; where it allows a stream error or a connection error, either is accepted.
 */
class Http2FramingIT {
    @RegisterExtension
    static final Http2TestServers.Shared SHARED = new Http2TestServers.Shared();

    // §3.4 connection preface

    @Test
    void servesAfterAValidPrefaceAndAnnouncesItsSettingsFirst() {
        assertTimeoutPreemptively(TestServers.TEST_TIMEOUT, () -> {
            try (Http2TestPeer peer = Http2TestPeer.connect(SHARED.server())) {
                peer.handshake();
                Http2TestPeer.Received first = peer.received().get(0);
                assertTrue(first.is(FrameType.SETTINGS) && !first.has(Http2TestPeer.ACK), first::toString);
                assertEquals(4, setting(first.payload(), Settings.MAX_CONCURRENT_STREAMS), "SETTINGS " + first);
                peer.get(1, "/hello");
                assertEquals("hello\n", peer.expectResponse(1).bodyText());
            }
        });
    }

    @Test
    void endsAPlaintextConnectionWhosePrefaceGoesWrongAfterPri() {
        assertTimeoutPreemptively(TestServers.TEST_TIMEOUT, () -> {
            try (Http2TestPeer peer = Http2TestPeer.connect(SHARED.server())) {
                peer.sendBytes("PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                peer.expectGoAwayAndClose(PROTOCOL_ERROR);
            }
        });
    }

    @Test
    void answersAPlaintextPrefaceThatIsNotPriAsHttp11() {
        // Without ALPN, only "PRI *" tells HTTP/2 apart (§3.3); anything else is an HTTP/1.1 request, so h2spec's
        // "invalid connection preface" gets an HTTP/1.1 refusal in plaintext, and GOAWAY over TLS (below).
        assertTimeoutPreemptively(TestServers.TEST_TIMEOUT, () -> {
            try (RawPeer peer = RawPeer.connect(SHARED.server().port())) {
                peer.send("INVALID CONNECTION PREFACE\r\n\r\n");
                assertEquals(400, peer.readResponse().status());
            }
        });
    }

    @Test
    void endsAConnectionWhosePrefaceIsNotFollowedBySettings() {
        assertTimeoutPreemptively(TestServers.TEST_TIMEOUT, () -> {
            try (Http2TestPeer peer = Http2TestPeer.connect(SHARED.server())) {
                peer.sendBytes(ConnectionPreface.bytes());
                peer.send(new PingFrame(false, 1));
                peer.expectGoAwayAndClose(PROTOCOL_ERROR);
            }
        });
    }

    @Test
    void endsATlsConnectionThatChoseH2ButSendsAnInvalidPreface() {
        Server tls = Server.create(Http2TestServers.config().port(0).tls(TestTls.server().build()).build(),
                Router.builder().get("/hello", (request, response) -> response.send("hello\n")).build()).start();
        try {
            assertTimeoutPreemptively(TestServers.TEST_TIMEOUT, () -> {
                try (Http2TestPeer peer = Http2TestPeer.connectTls(tls)) {
                    peer.sendBytes("INVALID CONNECTION PREFACE\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    peer.expectGoAwayAndClose(PROTOCOL_ERROR);
                }
                try (Http2TestPeer peer = Http2TestPeer.connectTls(tls)) {
                    peer.handshake();
                    peer.get(1, "/hello");
                    assertEquals(200, peer.expectResponse(1).status());
                }
            });
        } finally {
            tls.stop(Duration.ZERO);
        }
    }

    // §4.1 frame format

    @Test
    void ignoresUnknownTypesUnknownFlagsAndTheReservedBit() {
        talk(SHARED.server(), peer -> {
            peer.sendFrame(0x16, 0xff, 0, new byte[8]);
            peer.sendFrame(FrameType.PING.code(), 0x16, 0, "h2 peer!".getBytes(StandardCharsets.US_ASCII));
            Http2TestPeer.Received ack = peer.next();
            assertTrue(ack.is(FrameType.PING) && ack.flags() == Http2TestPeer.ACK, ack::toString);
            assertEquals("h2 peer!", new String(ack.payload(), StandardCharsets.US_ASCII));
            byte[] block = peer.encode(request("GET", "/hello"));
            peer.sendFrame(FrameType.HEADERS.code(), Http2TestPeer.END_HEADERS | Http2TestPeer.END_STREAM,
                    0x8000_0001, block);
            assertEquals(200, peer.expectResponse(1).status());
        });
    }

    // §4.2 frame size

    @Test
    void takesDataOfTheLargestFrameSize() {
        talk(SHARED.server(), peer -> {
            peer.headers(1, false, request("POST", "/echo", "content-length", "16384"));
            peer.send(new DataFrame(1, new byte[16_384], true));
            assertEquals(16_384, peer.expectResponse(1).body().length);
        });
    }

    @Test
    void endsTheConnectionForDataOrHeadersLargerThanItsFrameSize() {
        talk(SHARED.server(), peer -> {
            peer.headers(1, false, request("POST", "/echo"));
            peer.sendFrame(FrameType.DATA.code(), 0, 1, new byte[16_385]);
            peer.expectStreamOrConnectionError(1, FRAME_SIZE_ERROR);
        });
        talk(SHARED.server(), peer -> {
            byte[] block = peer.encode(request("GET", "/hello", "x-long", "a".repeat(40_000)));
            peer.sendFrame(FrameType.HEADERS.code(), Http2TestPeer.END_HEADERS | Http2TestPeer.END_STREAM, 1, block);
            peer.expectGoAwayAndClose(FRAME_SIZE_ERROR);
        });
    }

    // §4.3 header compression and decompression

    @Test
    void endsTheConnectionForAHeaderBlockThatDoesNotDecode() {
        talk(SHARED.server(), peer -> {
            // A literal with incremental indexing whose name length is missing.
            peer.sendFrame(FrameType.HEADERS.code(), Http2TestPeer.END_HEADERS | Http2TestPeer.END_STREAM, 1,
                    bytes(0x40));
            peer.expectGoAwayAndClose(COMPRESSION_ERROR);
        });
    }

    @Test
    void endsTheConnectionForAnyFrameButContinuationInsideAHeaderBlock() {
        byte[][] intruders = {
            Http2TestPeer.frameBytes(FrameType.PRIORITY.code(), 0, 1, bytes(0, 0, 0, 0, 15)),
            Http2TestPeer.frameBytes(FrameType.HEADERS.code(), Http2TestPeer.END_HEADERS, 3, new byte[0]),
            Http2TestPeer.frameBytes(FrameType.DATA.code(), 0, 1, new byte[1]),
            Http2TestPeer.frameBytes(0x16, 0, 1, new byte[4]), // §5.5: an extension frame too
            Http2TestPeer.frameBytes(FrameType.CONTINUATION.code(), Http2TestPeer.END_HEADERS, 3, new byte[0]),
        };
        for (byte[] intruder : intruders) {
            talk(SHARED.server(), peer -> {
                peer.sendFrame(FrameType.HEADERS.code(), Http2TestPeer.END_STREAM, 1,
                        peer.encode(request("GET", "/hello")));
                peer.sendBytes(intruder);
                peer.expectGoAwayAndClose(PROTOCOL_ERROR);
            });
        }
    }

    @Test
    void decodesTheHeaderBlockOfAStreamItResetsSoItsTableStaysInStep() {
        talk(SHARED.server(), peer -> {
            // The uppercase name makes the request malformed; "x-kept" still enters both dynamic tables.
            peer.headers(1, true, request("GET", "/hello", "x-kept", "1", "X-Bad", "1"));
            peer.expectReset(1, PROTOCOL_ERROR);
            peer.headers(3, true, request("GET", "/hello", "x-kept", "1"));
            assertEquals(200, peer.expectResponse(3).status());
        });
    }

    // §5.1 stream states: idle

    @Test
    void endsTheConnectionForFramesOtherThanHeadersAndPriorityOnAnIdleStream() {
        byte[][] frames = {
            Http2TestPeer.frameBytes(FrameType.DATA.code(), 0, 1, new byte[1]),
            Http2TestPeer.frameBytes(FrameType.RST_STREAM.code(), 0, 1, bytes(0, 0, 0, 8)),
            Http2TestPeer.frameBytes(FrameType.WINDOW_UPDATE.code(), 0, 1, bytes(0, 0, 0, 1)),
            Http2TestPeer.frameBytes(FrameType.CONTINUATION.code(), Http2TestPeer.END_HEADERS, 1, new byte[0]),
        };
        for (byte[] frame : frames) {
            talk(SHARED.server(), peer -> {
                peer.sendBytes(frame);
                peer.expectGoAwayAndClose(PROTOCOL_ERROR);
            });
        }
    }

    @Test
    void endsTheConnectionForAWindowUpdateOfZeroOnAnIdleStream() {
        talk(SHARED.server(), peer -> {
            peer.sendFrame(FrameType.WINDOW_UPDATE.code(), 0, 1, bytes(0, 0, 0, 0));
            peer.expectGoAwayAndClose(PROTOCOL_ERROR);
        });
    }

    @ParameterizedTest(name = "frame type {0}")
    @ValueSource(ints = {0x0, 0x3, 0x8})
    void endsTheConnectionForFramesOnAnEvenStreamWhichStaysIdleSinceTheServerPushesNothing(int type) {
        talk(SHARED.server(), peer -> {
            peer.get(5, "/hello");
            peer.expectResponse(5);
            peer.sendFrame(type, 0, 2, bytes(0, 0, 0, 1));
            peer.expectGoAwayAndClose(PROTOCOL_ERROR);
        });
    }

    @Test
    void takesPriorityOnAnIdleStreamAndOpensItLater() {
        talk(SHARED.server(), peer -> {
            peer.send(new PriorityFrame(5, new Priority(false, 0, 16)));
            peer.expectStillOpen();
            peer.get(5, "/hello");
            assertEquals(200, peer.expectResponse(5).status());
        });
    }

    // §5.1 stream states: half-closed (remote)

    @Test
    void answersDataOrHeadersOnAHalfClosedStreamWithStreamClosed() {
        for (boolean headers : new boolean[] {false, true}) {
            talk(SHARED.server(), peer -> {
                peer.get(1, "/block");
                if (headers) {
                    peer.headers(1, true, Http2TestPeer.fields("x-trailer", "1"));
                } else {
                    peer.data(1, "late", true);
                }
                peer.expectReset(1, STREAM_CLOSED); // a stream error: the response is still to come (§5.1)
                peer.expectStillOpen();
            });
        }
    }

    @Test
    void takesWindowUpdatePriorityAndResetOnAHalfClosedStream() {
        talk(SHARED.server(), peer -> {
            peer.get(1, "/block");
            peer.send(new WindowUpdateFrame(1, 100), new PriorityFrame(1, new Priority(false, 0, 1)));
            peer.expectStillOpen();
            peer.send(new ResetFrame(1, new ErrorCode(0xff))); // §7: an unknown code is no special case
            peer.expectStillOpen();
        });
    }

    // §5.1 stream states: closed

    @Test
    void answersDataOrHeadersOnAClosedStreamWithStreamClosed() {
        for (boolean headers : new boolean[] {false, true}) {
            talk(SHARED.server(), peer -> {
                peer.get(1, "/hello");
                peer.expectResponse(1);
                if (headers) {
                    peer.headers(1, true, request("GET", "/hello"));
                } else {
                    peer.data(1, "late", true);
                }
                // After the client's END_STREAM on a stream closed both ways: a connection error (§5.1, "closed").
                peer.expectGoAwayAndClose(STREAM_CLOSED);
            });
        }
    }

    @Test
    void ignoresWindowUpdateResetAndPriorityOnAClosedStream() {
        talk(SHARED.server(), peer -> {
            peer.get(1, "/hello");
            peer.expectResponse(1);
            peer.send(new WindowUpdateFrame(1, 1), new ResetFrame(1, ErrorCode.CANCEL),
                    new PriorityFrame(1, new Priority(false, 0, 1)));
            peer.expectStillOpen();
        });
    }

    @Test
    void answersDataOnAStreamTheClientResetWithStreamClosed() {
        talk(SHARED.server(), peer -> {
            peer.headers(1, false, request("POST", "/echo"));
            peer.send(new ResetFrame(1, ErrorCode.CANCEL));
            peer.expectStillOpen();
            peer.data(1, "after the reset", true);
            peer.expectStreamOrConnectionError(1, STREAM_CLOSED);
        });
    }

    // §5.1.1 stream identifiers

    @Test
    void endsTheConnectionForAnEvenStream() {
        talk(SHARED.server(), peer -> {
            peer.get(2, "/hello");
            peer.expectGoAwayAndClose(PROTOCOL_ERROR);
        });
    }

    @Test
    void endsTheConnectionForANewStreamNumberedBelowAnOpenedOne() {
        talk(SHARED.server(), peer -> {
            peer.get(5, "/hello");
            peer.expectResponse(5);
            peer.get(3, "/hello");
            peer.expectGoAwayAndClose(PROTOCOL_ERROR);
        });
    }

    // §5.1.2 stream concurrency

    @Test
    void refusesAStreamPastMaxConcurrentStreams() {
        talk(SHARED.server(), peer -> {
            for (int id = 1; id <= 7; id += 2) {
                peer.get(id, "/block");
            }
            peer.get(9, "/hello");
            peer.expectReset(9, REFUSED_STREAM);
            peer.expectStillOpen();
        });
    }

    @Test
    void countsAStreamNoLongerOnceBothSidesEndedIt() {
        talk(SHARED.server(), peer -> {
            int id = 1;
            for (int round = 0; round < 250; round++) {
                int first = id;
                for (int i = 0; i < 4; i++, id += 2) {
                    peer.get(id, "/hello");
                }
                // §5.1.2: closed streams do not count, so the next four may open as soon as these responses end.
                for (int done = first; done < id; done += 2) {
                    assertEquals(200, peer.expectResponse(done).status(), "round " + round);
                }
            }
        });
    }

    // §5.3.1 stream dependencies

    @Test
    void resetsAStreamThatDependsOnItself() {
        talk(SHARED.server(), peer -> {
            peer.send(new HeadersFrame(1, peer.encode(request("GET", "/hello")), true,
                    Optional.of(new Priority(false, 1, 16)), 0));
            peer.expectReset(1, PROTOCOL_ERROR);
            peer.send(new PriorityFrame(3, new Priority(true, 3, 16)));
            peer.expectReset(3, PROTOCOL_ERROR);
            peer.get(5, "/hello"); // §5.4.2: a stream error leaves the connection serving
            assertEquals(200, peer.expectResponse(5).status());
        });
    }

    // §5.4.1 connection error handling

    @Test
    void namesTheLastStreamItProcessedInTheGoAwayOfAConnectionError() {
        talk(SHARED.server(), peer -> {
            peer.get(1, "/hello");
            peer.expectResponse(1);
            peer.sendFrame(FrameType.PING.code(), 0, 0, new byte[6]);
            assertEquals(1, peer.expectGoAwayAndClose(FRAME_SIZE_ERROR).lastStreamId());
        });
    }

    // §5.5 extending HTTP/2, §7 error codes

    @Test
    void ignoresExtensionFramesOnStreamsAndAGoAwayWithAnUnknownCodeEndsNothingAtOnce() {
        talk(SHARED.server(), peer -> {
            peer.get(1, "/block");
            peer.sendFrame(0xfe, 0x0, 1, "extension".getBytes(StandardCharsets.US_ASCII));
            peer.sendFrame(0xfe, 0x0, 7, new byte[0]);
            peer.expectStillOpen();
            peer.sendFrame(FrameType.GOAWAY.code(), 0, 0, bytes(0, 0, 0, 0, 0, 0, 0, 0xff));
            peer.expectStillOpen(); // stream 1 still runs, so the connection stays for it
        });
    }

    private static long setting(byte[] payload, int identifier) {
        ByteBuffer settings = ByteBuffer.wrap(payload);
        while (settings.hasRemaining()) {
            int id = settings.getShort() & 0xffff;
            long value = settings.getInt() & 0xffff_ffffL;
            if (id == identifier) {
                return value;
            }
        }
        return -1;
    }
}
