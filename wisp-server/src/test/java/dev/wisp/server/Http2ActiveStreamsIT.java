package dev.wisp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.wisp.http2.ErrorCode;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * {@code maxActiveStreams} bounds the streams all connections together run, where {@code maxConcurrentStreams}
 * bounds one connection's: with two places, two connections' streams that wait in their handlers take them, a third
 * stream on either connection is refused with REFUSED_STREAM (not counted against the client's resets), and once a
 * handler has ended a new stream runs again. 40 connections of 50 streams each fetching a file filled a 32 MiB
 * heap before the bound, and the server never served again ({@code ServeHeapPressureIT}).
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
}
