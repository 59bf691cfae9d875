package dev.wisp.server;

import static dev.wisp.http2.ErrorCode.ENHANCE_YOUR_CALM;
import static dev.wisp.server.Http2TestPeer.END_HEADERS;
import static dev.wisp.server.Http2TestPeer.END_STREAM;
import static dev.wisp.server.Http2TestPeer.concat;
import static dev.wisp.server.Http2TestPeer.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.wisp.http2.ErrorCode;
import dev.wisp.http2.FrameType;
import dev.wisp.http2.ResetFrame;
import dev.wisp.testing.TestTransport;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Streams opened and reset at once, by the client (the "rapid reset" of CVE-2023-44487) or by the server at the
 * client's bidding (the "MadeYouReset" of CVE-2025-8671), against the bound {@code maxStreamResets} sets, by a scripted
 * peer: a flood ends with GOAWAY ENHANCE_YOUR_CALM and never runs more handlers than the streams allowed, and a server
 * told to take more resets takes them.
 */
class Http2ResetFloodsIT {
    private static final int MAX_STREAMS = 4;
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger mostRunning = new AtomicInteger();
    private final CountDownLatch release = new CountDownLatch(1);
    private Server server;

    @BeforeAll
    static void chooseTheirOwnTransport() {
        assumeFalse(TestTransport.isTls(), "these tests choose plaintext h2c themselves");
    }

    @AfterEach
    void stop() {
        release.countDown();
        if (server != null) {
            server.stop(Duration.ZERO);
        }
    }

    /** A server whose {@code /slow} handler counts the handlers running at once until the test ends. */
    private void start(ServerConfig.Builder config, int maxStreams) {
        server = Server.create(config.maxConcurrentStreams(maxStreams).port(0).build(), Router.builder()
                .get("/hello", (request, response) -> response.send("hello\n"))
                .get("/slow", (request, response) -> {
                    mostRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                    try {
                        release.await(5, TimeUnit.SECONDS);
                        response.send("finished\n");
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        running.decrementAndGet();
                    }
                })
                .build()).start();
    }

    @Test
    void endsARapidResetFloodAndNeverRunsMoreHandlersThanMaxConcurrentStreams() {
        start(Http2TestServers.config(), MAX_STREAMS);
        Http2TestPeer.talk(server, peer -> {
            Thread sender = Http2Floods.flood(peer, 2000,
                    requestsEachFollowedBy(peer, "/slow", Http2ResetFloodsIT::cancel));
            peer.expectGoAway(ENHANCE_YOUR_CALM);
            sender.join();
            assertTrue(mostRunning.get() >= 1 && mostRunning.get() <= MAX_STREAMS,
                    mostRunning.get() + " handlers ran at once");
        });
    }

    /** A client that cancels more requests at once than the default allows (200), where the server allows it. */
    @Test
    void takesAsManyResetsAtOnceAsMaxStreamResetsAllows() {
        int resets = 300;
        // Room for every stream, reset or not, whose handler has yet to return: the server refuses a stream while
        // twice maxConcurrentStreams of them are active, and on a busy machine none may have returned by the last.
        start(Http2TestServers.config().maxStreamResets(resets + 10, 20), resets);
        Http2TestPeer.talk(server, peer -> {
            IntFunction<byte[]> requestThenReset = requestsEachFollowedBy(peer, "/hello", Http2ResetFloodsIT::cancel);
            for (int i = 0; i < resets; i++) {
                peer.sendBytes(requestThenReset.apply(i));
            }
            int next = 2 * resets + 1;
            peer.get(next, "/hello");
            assertEquals("hello\n", peer.expectResponse(next).bodyText());
        });
    }

    /**
     * Six resets against five at once: each reset must find its stream open (a reset of a stream already answered
     * is not counted), so the handlers wait, and the six go in one write, read before a second refills the budget.
     */
    @Test
    void endsTheConnectionPastALowerMaxStreamResets() {
        start(Http2TestServers.config().maxStreamResets(5, 1), MAX_STREAMS);
        Http2TestPeer.talk(server, peer -> {
            IntFunction<byte[]> requestThenReset = requestsEachFollowedBy(peer, "/slow", Http2ResetFloodsIT::cancel);
            byte[] flood = new byte[0];
            for (int i = 0; i < 6; i++) {
                flood = concat(flood, requestThenReset.apply(i));
            }
            peer.sendBytes(flood);
            peer.expectGoAway(ENHANCE_YOUR_CALM);
        });
    }

    /**
     * "MadeYouReset" (CVE-2025-8671): the client never resets a stream itself, but follows each request with a frame
     * that makes the server reset it (a stream error), which a limit on the client's own resets would not count; each
     * reset frees the stream's place while its handler runs on. With room for every stream of the flood, only the
     * limit on resets can end it.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(ResetProvoker.class)
    void endsAFloodOfStreamsTheClientMakesTheServerReset(ResetProvoker provoker) {
        int flood = 2000;
        start(Http2TestServers.config(), flood);
        Http2TestPeer.talk(server, peer -> {
            Thread sender = Http2Floods.flood(peer, flood, requestsEachFollowedBy(peer, "/slow", provoker::frame));
            peer.expectGoAway(ENHANCE_YOUR_CALM);
            sender.join();
            assertTrue(mostRunning.get() >= 1 && mostRunning.get() < flood / 4,
                    mostRunning.get() + " handlers ran at once");
        });
    }

    /**
     * The bytes of the {@code i}th GET of this path (on stream {@code 2i + 1}) and of the frame that follows it on
     * its stream; to be taken in order, as the peer's HPACK table is.
     */
    private static IntFunction<byte[]> requestsEachFollowedBy(Http2TestPeer peer, String path, StreamFrame then) {
        byte[] block = peer.encode(request("GET", path));
        byte[] again = peer.encode(request("GET", path)); // indexed from here on
        return i -> {
            int id = 2 * i + 1;
            byte[] headers = Http2TestPeer.frameBytes(FrameType.HEADERS.code(), END_HEADERS | END_STREAM, id,
                    i == 0 ? block : again);
            return concat(headers, then.frame(id));
        };
    }

    private static byte[] cancel(int streamId) {
        try {
            return Http2Floods.bytesOf(new ResetFrame(streamId, ErrorCode.CANCEL));
        } catch (IOException e) {
            throw new AssertionError(e); // written to memory
        }
    }

    /** A frame on a stream, as bytes. */
    @FunctionalInterface
    private interface StreamFrame {
        byte[] frame(int streamId);
    }

    /** Frames on an open request's stream that the server must answer with a stream error (RST_STREAM). */
    enum ResetProvoker {
        /** RFC 9113 §6.9: an increment of 0 is a stream error (PROTOCOL_ERROR). */
        WINDOW_UPDATE_OF_ZERO {
            @Override
            byte[] frame(int streamId) {
                return Http2TestPeer.frameBytes(FrameType.WINDOW_UPDATE.code(), 0, streamId, new byte[4]);
            }
        },
        /** RFC 9113 §6.9.1: a window past 2^31-1 is a stream error (FLOW_CONTROL_ERROR). */
        WINDOW_UPDATE_PAST_THE_LARGEST_WINDOW {
            @Override
            byte[] frame(int streamId) {
                return Http2TestPeer.frameBytes(FrameType.WINDOW_UPDATE.code(), 0, streamId,
                        new byte[] {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff});
            }
        },
        /** RFC 9113 §5.1: DATA after END_STREAM (a half-closed, remote stream) is a stream error (STREAM_CLOSED). */
        DATA_AFTER_THE_END_OF_THE_STREAM {
            @Override
            byte[] frame(int streamId) {
                return Http2TestPeer.frameBytes(FrameType.DATA.code(), 0, streamId, new byte[] {'x'});
            }
        };

        abstract byte[] frame(int streamId);
    }
}
