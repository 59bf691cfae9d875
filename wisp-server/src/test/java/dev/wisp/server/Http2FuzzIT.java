package dev.wisp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.wisp.core.WireInput;
import dev.wisp.http2.ErrorCode;
import dev.wisp.http2.FrameReader;
import dev.wisp.http2.FrameType;
import dev.wisp.http2.Http2Exception;
import dev.wisp.testing.LogCapture;
import dev.wisp.testing.TestTransport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * Seeded random frames after a valid preface, valid and broken mixed: requests, DATA, every frame type with random
 * flags, streams and lengths, extension frames, settings of any value, and valid frames with a byte changed. On
 * each connection the server must answer with well-formed frames (each one passes our strict {@link FrameReader},
 * header blocks decode) and close once the client is done, never hang, never log an error (a bug of ours), and
 * serve a request on a fresh connection afterwards. The seed is {@code wisp.fuzz.seed}; a failure names it.
 */
class Http2FuzzIT {
    private static final long SEED = Long.getLong("wisp.fuzz.seed", 20261130L);
    private static final int CONNECTIONS = Integer.getInteger("wisp.fuzz.h2Connections", 300);

    @Test
    void answersRandomFramesWithWellFormedFramesOrACloseAndKeepsServing() {
        assumeFalse(TestTransport.isTls(), "this test chooses plaintext h2c itself");
        Random random = new Random(SEED);
        Server server = Http2TestServers.start(Http2TestServers.config()
                .readTimeout(Duration.ofMillis(300))
                .writeTimeout(Duration.ofMillis(300))
                .lingerTimeout(Duration.ofMillis(200))
                .maxHeaderBytes(2048)
                .maxRequestBodyBytes(1024), new CountDownLatch(0));
        try (LogCapture log = LogCapture.of("dev.wisp")) {
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                int frames = 0;
                for (int i = 0; i < CONNECTIONS; i++) {
                    frames += fuzzOneConnection(server, random, "seed " + SEED + ", connection " + i);
                    assertServes(server, "after connection " + i + " of seed " + SEED);
                    log.assertNoErrors("connection " + i + " of seed " + SEED);
                }
                assertTrue(frames >= 2 * CONNECTIONS, frames + " frames sent");
                TestServers.awaitNoConnections(server);
            });
        } finally {
            server.stop(Duration.ZERO);
        }
    }

    /** Sends random frames, ends the output and reads until the server closes; returns how many frames went. */
    private static int fuzzOneConnection(Server server, Random random, String where) throws IOException {
        try (Http2TestPeer peer = Http2TestPeer.start(server)) {
            int count = 1 + random.nextInt(15);
            int[] lastStream = {0};
            try {
                for (int f = 0; f < count; f++) {
                    peer.sendBytes(randomFrame(peer, random, lastStream));
                }
                peer.shutdownOutput();
            } catch (IOException e) {
                // the server closed on a frame before the last; what it sent is read below
            }
            try {
                peer.expectClosed();
            } catch (AssertionError e) {
                throw new AssertionError(where + ": " + e.getMessage(), e);
            }
            assertWellFormed(peer.received(), where);
            return count;
        }
    }

    private static byte[] randomFrame(Http2TestPeer peer, Random random, int[] lastStream) {
        int stream = pickStream(random, lastStream[0]);
        return switch (random.nextInt(10)) {
            case 0, 1 -> {
                lastStream[0] += 2;
                boolean get = random.nextBoolean();
                byte[] block = peer.encode(get ? Http2TestPeer.request("GET", "/hello")
                        : Http2TestPeer.request("POST", "/echo"));
                yield Http2TestPeer.frameBytes(FrameType.HEADERS.code(),
                        Http2TestPeer.END_HEADERS | (get ? Http2TestPeer.END_STREAM : 0), lastStream[0], block);
            }
            case 2 -> Http2TestPeer.frameBytes(FrameType.DATA.code(), random.nextInt(2), stream,
                    randomBytes(random, random.nextInt(100)));
            case 3 -> Http2TestPeer.frameBytes(random.nextInt(10), random.nextInt(256), stream,
                    randomBytes(random, new int[] {0, 4, 5, 6, 8, 12, random.nextInt(40)}[random.nextInt(7)]));
            case 4 -> Http2TestPeer.frameBytes(10 + random.nextInt(246), random.nextInt(256), stream,
                    randomBytes(random, random.nextInt(30)));
            case 5 -> Http2TestPeer.frameBytes(FrameType.WINDOW_UPDATE.code(), 0, stream,
                    ByteBuffer.allocate(4).putInt(random.nextInt()).array());
            case 6 -> Http2TestPeer.frameBytes(FrameType.SETTINGS.code(), 0, 0, ByteBuffer.allocate(6)
                    .putShort((short) (1 + random.nextInt(8))).putInt(random.nextInt(1 << 20)).array());
            case 7 -> Http2TestPeer.frameBytes(FrameType.RST_STREAM.code(), 0, stream,
                    ByteBuffer.allocate(4).putInt(random.nextInt(16)).array());
            case 8 -> {
                lastStream[0] += 2;
                byte[] frame = Http2TestPeer.frameBytes(FrameType.HEADERS.code(), Http2TestPeer.END_HEADERS,
                        lastStream[0], peer.encode(Http2TestPeer.request("POST", "/echo", "x-a", "1")));
                frame[random.nextInt(frame.length)] ^= (byte) (1 << random.nextInt(8));
                yield frame;
            }
            default -> Http2TestPeer.frameBytes(new int[] {2, 6, 9}[random.nextInt(3)], random.nextInt(2), stream,
                    randomBytes(random, new int[] {5, 8, 0}[random.nextInt(3)]));
        };
    }

    private static int pickStream(Random random, int lastStream) {
        return switch (random.nextInt(6)) {
            case 0 -> 0;
            case 1 -> Math.max(1, lastStream);
            case 2 -> lastStream + 2;
            case 3 -> 2 * random.nextInt(10) + 1;
            case 4 -> 2 * random.nextInt(10);
            default -> random.nextBoolean() ? Integer.MAX_VALUE : Math.max(1, lastStream - 2);
        };
    }

    private static byte[] randomBytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    /**
     * Every frame the server sent must pass our strict reader (header blocks were joined and decoded as they came),
     * belong to a stream the client may open (odd) or to the connection, be of a type a server sends, and come before
     * any GOAWAY that reports an error (§5.4.1: the connection ends after it).
     */
    private static void assertWellFormed(List<Http2TestPeer.Received> frames, String where) {
        boolean failed = false;
        for (Http2TestPeer.Received frame : frames) {
            String what = where + ": " + frame;
            assertTrue(!failed, where + ": a frame after GOAWAY with an error code: " + frame);
            failed = frame.is(FrameType.GOAWAY) && !frame.errorCode().equals(ErrorCode.NO_ERROR);
            assertTrue(frame.type() <= FrameType.WINDOW_UPDATE.code() && !frame.is(FrameType.PUSH_PROMISE), what);
            // A reset answers a frame on whatever stream the client named; anything else is on a client's stream.
            assertTrue(frame.streamId() == 0 || (frame.streamId() & 1) == 1 || frame.is(FrameType.RST_STREAM), what);
            if (frame.is(FrameType.HEADERS)) {
                continue;
            }
            byte[] bytes = Http2TestPeer.frameBytes(frame.type(), frame.flags(), frame.streamId(), frame.payload());
            try {
                new FrameReader(WireInput.of(bytes), 16_384, 1 << 20).readFrame();
            } catch (Http2Exception e) {
                fail(what + " is malformed: " + e.getMessage());
            } catch (IOException e) {
                fail(what + " does not read: " + e);
            }
        }
    }

    private static void assertServes(Server server, String when) {
        Http2TestPeer.talk(server, peer -> {
            peer.get(1, "/hello");
            assertEquals("hello\n", peer.expectResponse(1).bodyText(), when);
        });
    }
}
