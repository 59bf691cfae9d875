package dev.wisp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.http2.ErrorCode;
import dev.wisp.http2.FrameType;
import dev.wisp.http2.Setting;
import dev.wisp.http2.Settings;
import dev.wisp.http2.WindowUpdateFrame;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code maxActiveStreams} bounds the streams all connections together run, where {@code maxConcurrentStreams}
 * bounds one connection's: with two places, two connections' streams that wait in their handlers take them, a third
 * stream on either connection is refused with REFUSED_STREAM (not counted against the client's resets), and once a
 * handler has ended a new stream runs again. 40 connections of 50 streams each fetching a file filled a 32 MiB
 * heap before the bound, and the server never served again ({@code ServeHeapPressureIT}).
 *
 * <p>While the places are all taken, a refused stream ends the request bodies that come slower than 1 KiB a second
 * for over 2 s (408), so that clients dripping DATA on many streams cannot hold every place: an outside probe's 60
 * connections of 100 streams, each sending 10 bytes every 2 s, kept all places for as long as they went on.
 */
class Http2ActiveStreamsIT {
    @Test
    void streamsPastTheServersBudgetAreRefusedUntilOneEnds() {
        CountDownLatch release = new CountDownLatch(1);
        Server server = Http2TestServers.start(Http2TestServers.config().maxActiveStreams(2), release);
        try {
            assertTimeoutPreemptively(TestServers.TEST_TIMEOUT, () -> {
                try (Http2TestPeer first = Http2TestPeer.start(server);
                        Http2TestPeer second = Http2TestPeer.start(server)) {
                    first.get(1, "/block");
                    second.get(1, "/block");
                    TestServers.awaitDescribed(server, connections -> !connections.contains("state=idle"),
                            TestServers.CLOSE_WAIT);
                    second.get(3, "/hello");
                    second.expectReset(3, ErrorCode.REFUSED_STREAM);
                    first.get(3, "/hello");
                    first.expectReset(3, ErrorCode.REFUSED_STREAM);

                    release.countDown();
                    assertEquals("released\n", first.expectResponse(1).bodyText());
                    assertEquals("released\n", second.expectResponse(1).bodyText());
                    first.get(5, "/hello");
                    assertEquals("hello\n", first.expectResponse(5).bodyText());
                }
            });
        } finally {
            release.countDown();
            server.stop(java.time.Duration.ZERO);
        }
    }

    @Test
    void aRefusedStreamEndsTheRequestBodiesThatComeSlowerThanATrickle() {
        Server server = Http2TestServers.start(Http2TestServers.config().maxActiveStreams(3)
                .readTimeout(Duration.ofSeconds(10)), new CountDownLatch(0));
        try {
            assertTimeoutPreemptively(TestServers.TEST_TIMEOUT, () -> {
                try (Http2TestPeer dripping = Http2TestPeer.start(server);
                        Http2TestPeer uploading = Http2TestPeer.start(server);
                        Http2TestPeer asking = Http2TestPeer.start(server)) {
                    long began = System.nanoTime();
                    for (int stream : new int[] {1, 3}) {
                        dripping.headers(stream, false, Http2TestPeer.request("POST", "/echo"));
                        dripping.data(stream, "a", false);
                    }
                    // 512 bytes every 200 ms, 2.5 KiB a second: slow, but not slower than a trickle
                    uploading.headers(1, false, Http2TestPeer.request("POST", "/echo"));
                    String chunk = "u".repeat(512);
                    int chunks = 20;
                    Thread uploader = Thread.ofVirtual().start(() -> {
                        try {
                            for (int i = 0; i < chunks; i++) {
                                uploading.data(1, chunk, i == chunks - 1);
                                TimeUnit.MILLISECONDS.sleep(200);
                            }
                        } catch (Exception e) {
                            throw new AssertionError(e);
                        }
                    });
                    TestServers.awaitDescribed(server, connections -> connections.split("state=busy").length == 3,
                            TestServers.CLOSE_WAIT);
                    dripping.expectStillOpen(); // both its streams taken, before the other client asks
                    asking.get(1, "/hello");
                    asking.expectReset(1, ErrorCode.REFUSED_STREAM); // before the bodies' grace: none ends

                    TimeUnit.MILLISECONDS.sleep(2_300);
                    asking.get(3, "/hello");
                    asking.expectReset(3, ErrorCode.REFUSED_STREAM);
                    assertEquals(408, dripping.expectResponse(1).status());
                    assertEquals(408, dripping.expectResponse(3).status());
                    long tookMillis = (System.nanoTime() - began) / 1_000_000;
                    assertTrue(tookMillis >= 2_000, "the dripped bodies ended after " + tookMillis + " ms");

                    askUntilServed(asking, 5); // the places come back as the ended handlers return
                    uploader.join();
                    Http2TestPeer.Response uploaded = uploading.expectResponse(1);
                    assertEquals(200, uploaded.status(), uploaded::bodyText);
                    assertEquals(chunk.repeat(chunks).length(), uploaded.body().length);
                    // What the dripping client still sends on its ended streams, not having seen their resets yet, is
                    // dropped (RFC 9113 §5.4.2), and its connection goes on.
                    dripping.data(1, "late", false);
                    dripping.data(3, "late", true);
                    dripping.get(5, "/hello");
                    assertEquals("hello\n", dripping.expectResponse(5).bodyText());
                }
            });
        } finally {
            server.stop(Duration.ZERO);
        }
    }

    /**
     * A client that reads its responses by giving credit a little at a time (100 bytes every half second: the
     * response's write never waits the write timeout for it) holds its stream's place only until the places run out:
     * over 5 s without 64 KiB of its response sent, a refused stream resets it with CANCEL.
     */
    @Test
    void aRefusedStreamResetsAResponseWhoseClientGivesCreditALittleAtATime() {
        Server server = Http2TestServers.start(Http2TestServers.config().maxActiveStreams(1), new CountDownLatch(0));
        try {
            assertTimeoutPreemptively(TestServers.TEST_TIMEOUT, () -> {
                try (Http2TestPeer reading = Http2TestPeer.connect(server);
                        Http2TestPeer asking = Http2TestPeer.start(server)) {
                    reading.handshake(new Setting(Settings.INITIAL_WINDOW_SIZE, 1024));
                    reading.get(1, "/large");
                    long began = System.nanoTime();
                    for (int i = 0; i < 11; i++) {
                        TimeUnit.MILLISECONDS.sleep(500);
                        reading.send(new WindowUpdateFrame(1, 100));
                    }
                    asking.get(1, "/hello");
                    asking.expectReset(1, ErrorCode.REFUSED_STREAM);
                    Http2TestPeer.Received reset = reading.nextResetOrGoAway(); // after the head and some DATA
                    assertEquals(1, reset.streamId(), reset::toString);
                    assertEquals(ErrorCode.CANCEL, reset.errorCode());
                    long tookMillis = (System.nanoTime() - began) / 1_000_000;
                    assertTrue(tookMillis >= 5_000, "the slow read ended after " + tookMillis + " ms");
                    askUntilServed(asking, 3); // the place comes back as the reset handler returns
                }
            });
        } finally {
            server.stop(Duration.ZERO);
        }
    }

    /**
     * While the places are nearly all taken (three quarters or more), a connection takes no more than an equal share
     * of them among those that want some: one that takes back every place the moment its slow streams are ended (the
     * probe's attacker, which reopens them at once) leaves room for a client it kept out. Before, curl gave up after
     * five REFUSED_STREAMs against such an attack.
     */
    @Test
    void whileThePlacesAreNearlyAllTakenNoConnectionTakesMoreThanItsShare() {
        Server server = Http2TestServers.start(Http2TestServers.config().maxActiveStreams(8).maxConcurrentStreams(16)
                .readTimeout(Duration.ofSeconds(10)), new CountDownLatch(0));
        try {
            assertTimeoutPreemptively(TestServers.TEST_TIMEOUT, () -> {
                try (Http2TestPeer greedy = Http2TestPeer.start(server);
                        Http2TestPeer asking = Http2TestPeer.start(server)) {
                    for (int stream = 1; stream <= 15; stream += 2) { // every place
                        greedy.headers(stream, false, Http2TestPeer.request("POST", "/echo"));
                        greedy.data(stream, "a", false);
                    }
                    greedy.expectStillOpen(); // its streams all taken, before the other client asks
                    asking.get(1, "/hello");
                    asking.expectReset(1, ErrorCode.REFUSED_STREAM);
                    TimeUnit.MILLISECONDS.sleep(2_300);
                    asking.get(3, "/hello");
                    asking.expectReset(3, ErrorCode.REFUSED_STREAM); // and the slow bodies end
                    for (int stream = 1; stream <= 15; stream += 2) {
                        assertEquals(408, greedy.expectResponse(stream).status());
                    }
                    TimeUnit.MILLISECONDS.sleep(300); // the places come back as the handlers return
                    for (int stream = 17; stream <= 31; stream += 2) { // and the greedy client asks for all again
                        greedy.headers(stream, false, Http2TestPeer.request("POST", "/echo"));
                        greedy.data(stream, "a", false);
                    }
                    List<Integer> refused = new ArrayList<>();
                    while (refused.size() < 2) { // 6 of 8 taken, then a share of 4 (8 among two): the last two
                        Http2TestPeer.Received frame = greedy.nextResetOrGoAway();
                        if (frame.streamId() >= 17) {
                            assertEquals(ErrorCode.REFUSED_STREAM, frame.errorCode(), frame::toString);
                            refused.add(frame.streamId());
                        }
                    }
                    assertEquals(List.of(29, 31), refused);
                    asking.get(5, "/hello");
                    assertEquals("hello\n", asking.expectResponse(5).bodyText());
                }
            });
        } finally {
            server.stop(Duration.ZERO);
        }
    }

    /** Asks for /hello on new streams from this one on, until one is served rather than refused. */
    private static void askUntilServed(Http2TestPeer asking, int firstStream) throws Exception {
        for (int stream = firstStream; ; stream += 2) {
            asking.get(stream, "/hello");
            Http2TestPeer.Received frame;
            do {
                frame = asking.next();
            } while (frame.streamId() != stream);
            if (!frame.is(FrameType.RST_STREAM)) {
                asking.pushBack(frame);
                assertEquals("hello\n", asking.expectResponse(stream).bodyText());
                return;
            }
            assertEquals(ErrorCode.REFUSED_STREAM, frame.errorCode());
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }
}
