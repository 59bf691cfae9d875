package dev.wisp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.testing.RawPeer;
import dev.wisp.testing.RawResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The timeouts of {@link ServerConfig}, each crossed with a short setting: a head that does not arrive in time as
 * a whole (slowloris), a keep-alive connection with no next request (closed without a response), a body that stops
 * coming, and a peer that stops reading the response.
 */
class TimeoutsIT {
    private static final Duration TIMEOUT = Duration.ofMillis(150);
    /** Timers and thread scheduling may fire a little early or late; the bounds allow for that. */
    private static final long EARLY_MILLIS = 20;
    private static final long LATE_MILLIS = 2_000;

    private final ConnectionEvents events = new ConnectionEvents();
    private Server server;

    @BeforeEach
    void start() {
        server = TestServers.start(TestServers.config()
                        .headerTimeout(TIMEOUT)
                        .idleTimeout(TIMEOUT)
                        .readTimeout(TIMEOUT)
                        .writeTimeout(TIMEOUT)
                        .connectionListener(events),
                Router.builder()
                        .get("/hello", (request, response) -> response.send("hello\n"))
                        .post("/echo", (request, response) -> response.send(request.bodyBytes()))
                        .get("/endless", (request, response) -> {
                            byte[] chunk = new byte[64 * 1024];
                            try (OutputStream out = response.outputStream()) {
                                for (int i = 0; i < 16 * 1024; i++) {
                                    out.write(chunk);
                                }
                            }
                        })
                        .post("/stream-echo", (request, response) -> {
                            try (OutputStream out = response.outputStream()) {
                                out.write("echo:".getBytes(StandardCharsets.US_ASCII));
                                out.flush();
                                request.body().transferTo(out);
                            }
                        })
                        .build());
    }

    @AfterEach
    void stop() {
        server.stop(Duration.ZERO);
    }

    @Test
    void answers408WhenTheHeadStopsHalfway() {
        RawPeer.talk(server.port(), peer -> {
            long start = System.nanoTime();
            peer.send("GET /hello HTTP/1.1\r\nHost: x\r\n");
            assertTimedOut(peer, start, "request head not received in time");
            assertEquals("header timeout", events.awaitClosed().reason());
        });
    }

    /** Slowloris: each byte comes well within the timeout, but the head as a whole does not. */
    @Test
    void answers408WhenTheHeadIsDribbledSlowerThanTheDeadline() {
        RawPeer.talk(server.port(), peer -> {
            byte[] head = "GET /hello HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII);
            long start = System.nanoTime();
            int sent = 0;
            do {
                peer.send(new byte[] {sent < head.length ? head[sent] : (byte) 'z'});
                sent++;
            } while (!peer.isReadable(TIMEOUT.dividedBy(4)));
            assertTimedOut(peer, start, "request head not received in time");
            assertTrue(sent > 2, "sent " + sent + " bytes, each within the per-read time");
        });
    }

    /** No request began, so none is answered: a 408 could cross the client's next request and pass for its answer. */
    @Test
    void closesAnIdleKeepAliveConnectionWithoutAResponse() {
        RawPeer.talk(server.port(), peer -> {
            peer.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals("hello\n", peer.readResponse().bodyText());
            long start = System.nanoTime();
            assertTrue(peer.isClosedCleanlyByPeer(TIMEOUT.plusMillis(LATE_MILLIS)), "still open");
            assertWithinBounds(start);
            assertEquals("idle timeout", events.awaitClosed().reason());
        });
    }

    @Test
    void closesAConnectionThatNeverSendsARequestWithoutAResponse() {
        RawPeer.talk(server.port(), peer -> {
            long start = System.nanoTime();
            assertTrue(peer.isClosedCleanlyByPeer(TIMEOUT.plusMillis(LATE_MILLIS)), "still open");
            assertWithinBounds(start);
        });
    }

    @Test
    void answers408WhenTheBodyStopsComing() {
        RawPeer.talk(server.port(), peer -> {
            peer.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nhalf ");
            long start = System.nanoTime();
            assertTimedOut(peer, start, "request body not received in time");
        });
    }

    @Test
    void closesWhenTheBodyStopsComingAfterTheResponseStarted() {
        RawPeer.talk(server.port(), peer -> {
            peer.send("POST /stream-echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nhalf ");
            String received = peer.readAll();
            assertTrue(received.startsWith("HTTP/1.1 200 OK\r\n"), received);
            assertTrue(received.contains("5\r\necho:\r\n"), received);
            assertTrue(!received.endsWith("0\r\n\r\n"), "a cut-off body must not look complete: " + received);
        });
    }

    /** A client that stops reading must not hold a connection, and its thread, forever. */
    @Test
    void closesAConnectionWhosePeerStopsReading() {
        RawPeer.talk(server.port(), peer -> {
            peer.send("GET /endless HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals("write timeout", events.awaitClosed().reason());
            assertEquals(0, server.connectionCount());
        });
    }

    /** Reads the 408 with its message, checks it came neither early nor late, and that the connection closed. */
    private static void assertTimedOut(RawPeer peer, long startNanos, String message) throws IOException {
        RawResponse response = peer.readLastResponse();
        assertWithinBounds(startNanos);
        assertEquals(408, response.status(), response::text);
        assertEquals(message + "\n", response.bodyText());
    }

    private static void assertWithinBounds(long startNanos) {
        long elapsed = Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
        assertTrue(elapsed >= TIMEOUT.toMillis() - EARLY_MILLIS, "timed out early, after " + elapsed + " ms");
        assertTrue(elapsed <= TIMEOUT.toMillis() + LATE_MILLIS, "timed out late, after " + elapsed + " ms");
    }
}
