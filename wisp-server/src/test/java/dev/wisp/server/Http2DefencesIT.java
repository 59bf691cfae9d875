package dev.wisp.server;

import static dev.wisp.http2.ErrorCode.ENHANCE_YOUR_CALM;
import static dev.wisp.http2.ErrorCode.NO_ERROR;
import static dev.wisp.http2.ErrorCode.REFUSED_STREAM;
import static dev.wisp.server.Http2TestPeer.END_HEADERS;
import static dev.wisp.server.Http2TestPeer.END_STREAM;
import static dev.wisp.server.Http2TestPeer.bytes;
import static dev.wisp.server.Http2TestPeer.concat;
import static dev.wisp.server.Http2TestPeer.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.wisp.http2.ConnectionPreface;
import dev.wisp.http2.DataFrame;
import dev.wisp.http2.ErrorCode;
import dev.wisp.http2.FrameType;
import dev.wisp.http2.PingFrame;
import dev.wisp.http2.ResetFrame;
import dev.wisp.http2.Setting;
import dev.wisp.http2.Settings;
import dev.wisp.http2.SettingsFrame;
import dev.wisp.http2.WindowUpdateFrame;
import dev.wisp.testing.TestTransport;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every limit of the HTTP/2 server crossed by a scripted peer, with the answer asserted: floods of resets (rapid
 * reset, CVE-2023-44487, and resets the client provokes, CVE-2025-8671), PING, SETTINGS, empty DATA and CONTINUATION
 * (CVE-2024-27316), HPACK bombs and header blocks over the limit, streams past {@code maxConcurrentStreams}, a
 * flow-control window never opened, request bodies too large or too slow, idle connections, SETTINGS never
 * acknowledged, frames that stop halfway, and a graceful stop.
 */
class Http2DefencesIT {
    private static final int MAX_STREAMS = 4;
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger mostRunning = new AtomicInteger();
    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch writeFailed = new CountDownLatch(1);
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

    private Server start(ServerConfig.Builder config) {
        return start(config, MAX_STREAMS);
    }

    private Server start(ServerConfig.Builder config, int maxStreams) {
        byte[] large = new byte[Http2TestServers.LARGE_BYTES];
        server = Server.create(config.maxConcurrentStreams(maxStreams).port(0).build(), Router.builder()
                .get("/hello", (request, response) -> response.send("hello\n"))
                .post("/echo", (request, response) -> response.send(request.bodyBytes()))
                .get("/large", (request, response) -> {
                    try {
                        response.send(large);
                    } catch (IOException e) {
                        writeFailed.countDown();
                        throw e;
                    }
                })
                .get("/huge", (request, response) -> {
                    try (var out = response.outputStream()) {
                        for (int i = 0; i < 4096; i++) {
                            out.write(large, 0, 16_384);
                        }
                    } catch (IOException e) {
                        writeFailed.countDown();
                        throw e;
                    }
                })
                .get("/slow", (request, response) -> {
                    mostRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                    try {
                        entered.countDown();
                        release.await(5, TimeUnit.SECONDS);
                        response.send("finished\n");
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        running.decrementAndGet();
                    }
                })
                .build()).start();
        return server;
    }

    private void talk(ServerConfig.Builder config, Http2TestPeer.Conversation conversation) {
        start(config);
        Http2TestPeer.talk(server, conversation);
    }

    @Test
    void endsFloodsOfFramesThatCarryNoRequest() throws Exception {
        byte[] ping = Http2Floods.bytesOf(new PingFrame(false, 7));
        byte[] settings = Http2Floods.bytesOf(new SettingsFrame(List.of()));
        byte[] priority = Http2TestPeer.frameBytes(FrameType.PRIORITY.code(), 0, 3, bytes(0, 0, 0, 0, 15));
        byte[] unknown = Http2TestPeer.frameBytes(0x20, 0, 0, new byte[0]);
        byte[] emptyData = Http2Floods.bytesOf(new DataFrame(1, new byte[0], false));
        // And frames that change nothing, which went uncounted (a flood of +1s cost a second of CPU a second):
        // acknowledgements nobody asked for, credit with no stream open, a reset of a closed stream.
        byte[] pingAck = Http2Floods.bytesOf(new PingFrame(true, 7));
        byte[] settingsAck = Http2TestPeer.frameBytes(FrameType.SETTINGS.code(), Http2TestPeer.ACK, 0, new byte[0]);
        byte[] plusOne = Http2Floods.bytesOf(new WindowUpdateFrame(0, 1));
        byte[] closedReset = Http2Floods.bytesOf(new ResetFrame(3, ErrorCode.CANCEL));
        start(Http2TestServers.config());
        for (byte[] frame : List.of(ping, settings, priority, unknown, emptyData, pingAck, settingsAck)) {
            Http2TestPeer.talk(server, peer -> {
                peer.headers(1, false, request("POST", "/echo"));
                Thread sender = Http2Floods.flood(peer, 5000, i -> frame);
                peer.expectGoAwayAndClose(ENHANCE_YOUR_CALM);
                sender.join();
            });
        }
        Http2TestPeer.talk(server, peer -> {
            Thread sender = Http2Floods.flood(peer, 5000, i -> plusOne); // credit with no stream open to use it
            peer.expectGoAwayAndClose(ENHANCE_YOUR_CALM);
            sender.join();
        });
        Http2TestPeer.talk(server, peer -> {
            peer.get(3, "/hello");
            peer.expectResponse(3);
            Thread sender = Http2Floods.flood(peer, 5000, i -> closedReset);
            peer.expectGoAwayAndClose(ENHANCE_YOUR_CALM);
            sender.join();
        });
    }

    @Test
    void endsAContinuationFloodBeforeItsHeaderBlockEnds() {
        talk(Http2TestServers.config(), peer -> {
            peer.sendFrame(FrameType.HEADERS.code(), 0, 1, peer.encode(request("GET", "/hello")));
            byte[] empty = Http2TestPeer.frameBytes(FrameType.CONTINUATION.code(), 0, 1, new byte[0]);
            Thread sender = Http2Floods.flood(peer, 100_000, i -> empty);
            peer.expectGoAwayAndClose(ENHANCE_YOUR_CALM);
            sender.join();
        });
    }

    @Test
    void endsTheConnectionForAHeaderBlockLargerThanTheReaderHolds() {
        talk(Http2TestServers.config().maxHeaderBytes(4096), peer -> {
            byte[] chunk = new byte[8000];
            peer.sendFrame(FrameType.HEADERS.code(), 0, 1, chunk);
            peer.sendFrame(FrameType.CONTINUATION.code(), 0, 1, chunk);
            peer.expectGoAwayAndClose(ENHANCE_YOUR_CALM);
        });
    }

    @Test
    void refusesAHeaderListThatDecodesPastMaxHeaderBytes() {
        talk(Http2TestServers.config().maxHeaderBytes(4096), peer -> {
            // GET /hello, then a field of 3,000 bytes entered in the dynamic table (RFC 7541 §6.2.1)...
            byte[] get = bytes(0x82, 0x86, 0x04, 6, '/', 'h', 'e', 'l', 'l', 'o', 0x01, 1, 'x');
            byte[] value = "v".repeat(3000).getBytes(StandardCharsets.US_ASCII);
            byte[] indexed = concat(bytes(0x40, 1, 'b', 0x7f, 0xb9, 0x16), value); // 3000 = 127 + 0x16 << 7 | 0x39
            peer.sendFrame(FrameType.HEADERS.code(), END_HEADERS | END_STREAM, 1, concat(get, indexed));
            assertEquals(200, peer.expectResponse(1).status());
            // ...then the bomb: ten one-byte references to it, 30,000 bytes decoded from 10 (§10.5.1).
            byte[] bomb = concat(get, bytes(0xbe, 0xbe, 0xbe, 0xbe, 0xbe, 0xbe, 0xbe, 0xbe, 0xbe, 0xbe));
            peer.sendFrame(FrameType.HEADERS.code(), END_HEADERS | END_STREAM, 3, bomb);
            assertEquals(431, peer.expectResponse(3).status(), "refused as HTTP/1.1 refuses it (§10.5.1)");
            // The decoder read the bomb to its end, so the connection goes on with the same table.
            peer.sendFrame(FrameType.HEADERS.code(), END_HEADERS | END_STREAM, 5, concat(get, bytes(0xbe)));
            assertEquals(200, peer.expectResponse(5).status());
        });
    }

    @Test
    void answers431ForMoreFieldsThanMaxHeaderCount() {
        talk(Http2TestServers.config().maxHeaderCount(20), peer -> {
            List<String> extra = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                extra.add("x-field-" + i);
                extra.add("v");
            }
            peer.headers(1, true, request("GET", "/hello", extra.toArray(String[]::new)));
            assertEquals(431, peer.expectResponse(1).status(), "as HTTP/1.1 answers, per ServerConfig");
            peer.get(3, "/hello");
            assertEquals(200, peer.expectResponse(3).status());
        });
    }

    @Test
    void answers414ForAPathLongerThanMaxRequestLineBytes() {
        talk(Http2TestServers.config().maxRequestLineBytes(256), peer -> {
            peer.get(1, "/hello?" + "q".repeat(1000));
            assertEquals(414, peer.expectResponse(1).status(), "as HTTP/1.1 answers, per ServerConfig");
        });
    }

    @Test
    void refusesStreamsPastMaxConcurrentStreamsAndServesOnceTheyEnd() {
        talk(Http2TestServers.config(), peer -> {
            for (int id = 1; id <= 2 * MAX_STREAMS - 1; id += 2) {
                peer.get(id, "/slow");
            }
            peer.get(2 * MAX_STREAMS + 1, "/hello");
            peer.expectReset(2 * MAX_STREAMS + 1, REFUSED_STREAM);
            release.countDown();
            for (int id = 1; id <= 2 * MAX_STREAMS - 1; id += 2) {
                assertEquals("finished\n", peer.expectResponse(id).bodyText());
            }
            peer.get(2 * MAX_STREAMS + 3, "/hello");
            assertEquals("hello\n", peer.expectResponse(2 * MAX_STREAMS + 3).bodyText());
        });
    }

    @Test
    void failsTheHandlersWriteWhenTheClientNeverOpensItsWindow() {
        start(Http2TestServers.config().writeTimeout(Duration.ofMillis(300)));
        assertTimeoutPreemptively(TestServers.TEST_TIMEOUT, () -> {
            try (Http2TestPeer peer = Http2TestPeer.connect(server)) {
                peer.handshake(new Setting(Settings.INITIAL_WINDOW_SIZE, 0));
                long started = System.nanoTime();
                peer.get(1, "/large");
                Http2TestPeer.Received frame;
                do {
                    frame = peer.next(); // the head goes out before the body's first DATA waits for the window
                } while (!frame.is(FrameType.RST_STREAM));
                assertEquals(ErrorCode.INTERNAL_ERROR, frame.errorCode(), frame::toString);
                assertEquals(0, peer.received().stream().filter(f -> f.is(FrameType.DATA)).count(), "no DATA");
                assertTrue(writeFailed.await(2, TimeUnit.SECONDS), "the handler's write failed");
                long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                assertTrue(waited >= 250, "reset after " + waited + " ms, before the write timeout");
                peer.expectStillOpen();
            }
        });
    }

    @Test
    void failsTheWriteOfAClientThatStopsReadingAndSendsNoBrokenFrame() {
        start(Http2TestServers.config().writeTimeout(Duration.ofMillis(300)));
        assertTimeoutPreemptively(TestServers.TEST_TIMEOUT, () -> {
            try (Http2TestPeer peer = Http2TestPeer.connect(server)) {
                peer.handshake(new Setting(Settings.INITIAL_WINDOW_SIZE, Integer.MAX_VALUE));
                peer.send(new WindowUpdateFrame(0, Integer.MAX_VALUE - 65_535));
                peer.get(1, "/huge"); // 64 MiB, far more than the socket buffers hold
                assertTrue(writeFailed.await(5, TimeUnit.SECONDS), "the handler's write failed");
                // What comes now must still be whole frames (the peer fails on a broken one), ending in a close
                // or in a reset of stream 1 on a connection that goes on.
                while (true) {
                    Http2TestPeer.Received frame;
                    try {
                        frame = peer.next();
                    } catch (EOFException e) {
                        return;
                    }
                    if (frame.is(FrameType.RST_STREAM) || frame.is(FrameType.GOAWAY)) {
                        break;
                    }
                }
                peer.expectStillOpen();
            }
        });
    }

    @Test
    void sendsGoAwayBeforeClosingAnIdleConnectionAtStop() {
        start(Http2TestServers.config());
        assertTimeoutPreemptively(TestServers.TEST_TIMEOUT, () -> {
            try (Http2TestPeer peer = Http2TestPeer.start(server)) {
                peer.get(1, "/hello");
                peer.expectResponse(1);
                Thread stopping = Thread.ofPlatform().start(() -> server.stop(Duration.ofSeconds(5)));
                peer.expectGoAwayAndClose(NO_ERROR); // §6.8: endpoints SHOULD send GOAWAY before closing
                stopping.join();
            }
        });
    }

    @Test
    void sendsGoAwayBeforeClosingAnIdleConnectionToMakeRoomForANewOne() {
        start(Http2TestServers.config().maxConnections(1));
        assertTimeoutPreemptively(TestServers.TEST_TIMEOUT, () -> {
            try (Http2TestPeer idle = Http2TestPeer.start(server)) {
                try (Http2TestPeer next = Http2TestPeer.connect(server)) {
                    next.handshake();
                    idle.expectGoAwayAndClose(NO_ERROR); // §6.8: endpoints SHOULD send GOAWAY before closing
                }
            }
        });
    }

    @Test
    void answers413ForABodyPastMaxRequestBodyBytes() {
        talk(Http2TestServers.config().maxRequestBodyBytes(100), peer -> {
            peer.headers(1, false, request("POST", "/echo", "content-length", "1000"));
            assertEquals(413, peer.expectResponse(1).status());
            peer.expectReset(1, NO_ERROR); // §8.1: the rest of the request is not wanted, after lingerTimeout
            peer.headers(3, false, request("POST", "/echo"));
            peer.data(3, "x".repeat(150), true);
            assertEquals(413, peer.expectResponse(3).status());
            peer.get(5, "/hello");
            assertEquals(200, peer.expectResponse(5).status());
        });
    }

    @Test
    void answers408ForABodyThatStopsComingForTheReadTimeout() {
        talk(Http2TestServers.config().readTimeout(Duration.ofMillis(300)), peer -> {
            peer.headers(1, false, request("POST", "/echo"));
            peer.data(1, "some", false);
            assertEquals(408, peer.expectResponse(1).status());
        });
    }

    @Test
    void closesAnIdleConnectionWithGoAwayNoError() {
        talk(Http2TestServers.config().idleTimeout(Duration.ofMillis(300)), peer -> {
            peer.get(1, "/hello");
            peer.expectResponse(1);
            long started = System.nanoTime();
            assertEquals(1, peer.expectGoAwayAndClose(NO_ERROR).lastStreamId());
            assertTrue(System.nanoTime() - started >= TimeUnit.MILLISECONDS.toNanos(250), "closed too early");
        });
    }

    @Test
    void endsAConnectionThatNeverAcknowledgesItsSettings() {
        start(Http2TestServers.config().headerTimeout(Duration.ofMillis(300)).idleTimeout(Duration.ofSeconds(5)));
        assertTimeoutPreemptively(TestServers.TEST_TIMEOUT, () -> {
            try (Http2TestPeer peer = Http2TestPeer.connect(server)) {
                peer.sendBytes(ConnectionPreface.bytes());
                peer.send(new SettingsFrame(List.of()));
                peer.expectGoAwayAndClose(ErrorCode.SETTINGS_TIMEOUT);
            }
        });
    }

    /**
     * Half a frame, or a HEADERS whose block no CONTINUATION ends, must come whole within headerTimeout, as an
     * HTTP/1.1 head must: it held an idle connection for the whole idleTimeout, and one with a stream open for good.
     */
    @ParameterizedTest
    @ValueSource(strings = {"half a frame", "a header block without its end", "half a frame beside a stream",
            "half a DATA frame beside a stream"})
    void endsAConnectionWhoseFrameStopsHalfwayAtTheHeaderTimeout(String sent) {
        // DATA is request content, which may come slowly: readTimeout bounds its frame, as it bounds a body's read
        boolean data = sent.contains("DATA");
        ServerConfig.Builder config = Http2TestServers.config().headerTimeout(Duration.ofMillis(300))
                .readTimeout(Duration.ofMillis(1_200));
        talk(config.idleTimeout(Duration.ofSeconds(5)), peer -> {
            int lastStream = 0;
            if (sent.endsWith("beside a stream")) {
                peer.get(1, "/slow");
                entered.await();
                lastStream = 1;
            }
            long started = System.nanoTime();
            if (data) {
                // a frame header announcing 100 bytes of stream 1, then 10 of them
                peer.sendBytes(new byte[] {0, 0, 100, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
            } else if (sent.startsWith("half")) {
                // the frame header and 3 of the PING's 8 bytes
                peer.sendBytes(Arrays.copyOf(Http2Floods.bytesOf(new PingFrame(false, 7)), 12));
            } else {
                peer.sendFrame(FrameType.HEADERS.code(), 0, 1, peer.encode(request("GET", "/hello"))); // no END_HEADERS
            }
            assertEquals(lastStream, peer.expectGoAwayAndClose(ErrorCode.PROTOCOL_ERROR).lastStreamId());
            long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            long least = data ? 1_100 : 250;
            assertTrue(elapsed >= least && elapsed < least + 2_000, "ended after " + elapsed + " ms");
        });
    }

    @Test
    void stopsGracefullyFinishingTheStreamInFlightTakingNoNewOneAndWaitingForTheClientsClose() {
        start(Http2TestServers.config());
        assertTimeoutPreemptively(TestServers.TEST_TIMEOUT, () -> {
            try (Http2TestPeer peer = Http2TestPeer.start(server)) {
                peer.get(1, "/slow");
                entered.await();
                Thread stopping = Thread.ofPlatform().start(() -> server.stop(Duration.ofSeconds(5)));
                assertEquals(1, peer.expectGoAway(NO_ERROR).lastStreamId());
                peer.get(3, "/hello");
                release.countDown();
                assertEquals("finished\n", peer.expectResponse(1).bodyText());
                peer.expectClosed(); // the server's side ends after the last response...
                assertTrue(peer.received().stream().noneMatch(f -> f.streamId() == 3 && !f.is(FrameType.RST_STREAM)),
                        "stream 3, opened after GOAWAY, was not served: " + peer.received());
                // ...while ours stays open: what the client still sends (credit for what it read) is read, so no
                // reset can destroy what the client has yet to read.
                peer.send(new WindowUpdateFrame(0, 1024));
                stopping.join(300);
                assertTrue(stopping.isAlive(), "the server waits for the client to close its side");
                peer.close();
                stopping.join(5_000);
                assertFalse(stopping.isAlive(), "the stop ends once the client closed");
            }
        });
    }
}
