package dev.wisp.server;

import static dev.wisp.server.TestServers.CLOSE_WAIT;
import static dev.wisp.server.TestServers.TEST_TIMEOUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.testing.LogCapture;
import dev.wisp.testing.RawPeer;
import dev.wisp.testing.RawResponse;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The connection cap: with {@code maxConnections} open, a new connection evicts the least recently used idle
 * one; when none is idle, {@link OverflowPolicy} decides between waiting for a slot and answering 503.
 */
class ConnectionLimitIT {
    /** The answer to a connection refused for want of room, as {@code RawResponse.text()} shows it. */
    static final String REFUSED = """
            HTTP/1.1 503 Service Unavailable\r
            Content-Type: text/plain; charset=utf-8\r
            Content-Length: 21\r
            Date: <date>\r
            Retry-After: 1\r
            Connection: close\r
            \r
            too many connections
            """;
    /** More than the sockets between a client that does not read and the server hold. */
    private static final int LARGE_BYTES = 32 * 1024 * 1024;
    private final ConnectionEvents events = new ConnectionEvents();
    /** Released once for each /block/{name} request that entered its handler. */
    private final Semaphore entered = new Semaphore(0);
    private final Map<String, CountDownLatch> releases = new ConcurrentHashMap<>();
    private Server server;

    private void start(OverflowPolicy policy) {
        server = TestServers.start(TestServers.config()
                        .maxConnections(2)
                        .overflowPolicy(policy)
                        .connectionListener(events),
                Router.builder()
                        .get("/hello", (request, response) -> response.send("hello\n"))
                        .get("/large", (request, response) -> {
                            entered.release();
                            response.send(new byte[LARGE_BYTES]);
                        })
                        .post("/upload", (request, response) ->
                                response.send(request.body().readAllBytes().length + " bytes\n"))
                        .get("/block/{name}", (request, response) -> {
                            CountDownLatch release = release(request.pathParameter("name").orElseThrow());
                            entered.release();
                            try {
                                release.await();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            response.send("released\n");
                        })
                        .build());
    }

    private void awaitIdleConnections(int expected) throws InterruptedException {
        TestServers.awaitDescribed(server, connections -> connections.split("state=idle", -1).length - 1 == expected,
                CLOSE_WAIT);
    }

    private CountDownLatch release(String name) {
        return releases.computeIfAbsent(name, key -> new CountDownLatch(1));
    }

    @AfterEach
    void stop() {
        releases.values().forEach(CountDownLatch::countDown);
        server.stop(Duration.ZERO);
    }

    @Test
    void evictsTheLeastRecentlyUsedIdleConnection() {
        start(OverflowPolicy.REJECT);
        assertTimeoutPreemptively(TEST_TIMEOUT, () -> {
            try (RawPeer first = RawPeer.connect(server.port()); RawPeer second = RawPeer.connect(server.port())) {
                hello(first);
                hello(second);
                // A connection counts as idle from just after its response is written, a moment after the peer may
                // have read it: wait for that, so that second's idle time is sure to be older than first's next one.
                awaitIdleConnections(2);
                hello(first);
                awaitIdleConnections(2);
                try (RawPeer third = RawPeer.connect(server.port())) {
                    hello(third);
                    ConnectionEvents.Closed evicted = events.awaitClosed();
                    assertEquals(second.localPort(), evicted.connection().remoteAddress().getPort());
                    assertEquals("evicted to make room (least recently used)", evicted.reason());
                    assertTrue(second.isClosedByPeer(CLOSE_WAIT));
                    hello(first);
                    assertEquals(2, server.connectionCount());
                }
            }
        });
    }

    /**
     * A new connection whose first request has not come yet is not evicted for a second, though idle the longest: its
     * client connected to send one, and would get nothing back (curl's "Empty reply from server"), where a keep-alive
     * client sends again. After that second it is evicted as any idle one.
     */
    @Test
    void keepsANewConnectionFromEvictionWhileItsFirstRequestMayCome() {
        start(OverflowPolicy.WAIT);
        assertTimeoutPreemptively(TEST_TIMEOUT, () -> {
            try (RawPeer fresh = RawPeer.connect(server.port()); RawPeer served = RawPeer.connect(server.port())) {
                hello(served);
                awaitIdleConnections(2); // the fresh one idle since it connected, longer than the served one
                try (RawPeer third = RawPeer.connect(server.port())) {
                    hello(third);
                    ConnectionEvents.Closed evicted = events.awaitClosed();
                    assertEquals(served.localPort(), evicted.connection().remoteAddress().getPort());
                    hello(fresh); // its request came late, and is answered
                }
            }
            try (RawPeer silent = RawPeer.connect(server.port()); RawPeer other = RawPeer.connect(server.port())) {
                hello(other);
                hello(other); // now the served one has been idle a shorter while, and the silent one is past its grace
                Thread.sleep(1100);
                try (RawPeer third = RawPeer.connect(server.port())) {
                    hello(third);
                    assertTrue(silent.isClosedByPeer(CLOSE_WAIT), "past its grace, the silent one was evicted");
                }
            }
        });
    }

    /**
     * With no connection idle, a new connection ends the request head that has been read the longest, if for over a
     * second, with 408: clients that send their heads a byte at a time (a slowloris) within the limit held the server
     * full until their header timeout (10 s), and came back.
     */
    @Test
    void endsTheSlowestRequestHeadToMakeRoomWhenNoneIsIdle() {
        start(OverflowPolicy.WAIT);
        assertTimeoutPreemptively(TEST_TIMEOUT, () -> {
            try (RawPeer slowest = RawPeer.connect(server.port()); RawPeer slow = RawPeer.connect(server.port())) {
                // Both waiting first: a connection whose thread has not run yet is not idle either, and a count of
                // one idle could then be met before the slowest one's head began.
                awaitIdleConnections(2);
                slowest.send("G");
                awaitIdleConnections(1); // the slowest one's head has begun first
                slow.send("GET /hel");
                awaitIdleConnections(0);
                try (RawPeer third = RawPeer.connect(server.port())) {
                    hello(third); // within RawPeer's 5 s, where the header timeout is 10 s
                }
                RawResponse ended = slowest.readResponse();
                assertEquals(408, ended.status(), ended::text);
                slow.send("lo HTTP/1.1\r\nHost: x\r\n\r\n");
                assertEquals("hello\n", slow.readResponse().bodyText(), "one head ended, not both");
            }
        });
    }

    /**
     * With none idle and no head slow, a new connection ends the request body that has come slower than 1 KiB a second
     * for over 2 s, with 408: clients that drip their bodies (a slow POST) held their places for a read timeout per
     * byte. A connection whose handler works is not ended.
     */
    @Test
    void endsARequestBodyThatComesSlowerThanATrickleToMakeRoomWhenNoneIsIdle() {
        start(OverflowPolicy.WAIT);
        assertTimeoutPreemptively(TEST_TIMEOUT, () -> {
            try (RawPeer dripping = RawPeer.connect(server.port()); RawPeer busy = RawPeer.connect(server.port())) {
                dripping.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nx");
                block(busy, "busy");
                awaitIdleConnections(0);
                try (RawPeer third = RawPeer.connect(server.port())) {
                    hello(third); // within RawPeer's 5 s
                }
                RawResponse ended = dripping.readResponse();
                assertEquals(408, ended.status(), ended::text);
                release("busy").countDown();
                assertEquals("released\n", busy.readResponse().bodyText(), "the busy one was not ended");
            }
        });
    }

    /**
     * With none idle and no head or body slow, a new connection ends the connection whose response write has waited
     * over 5 s for its client to read (a slow read, which held its place for the write timeout per 64 KiB).
     */
    @Test
    void endsAResponseItsClientDoesNotReadToMakeRoomWhenNoneIsIdle() {
        start(OverflowPolicy.WAIT);
        assertTimeoutPreemptively(TEST_TIMEOUT.plusSeconds(5), () -> {
            try (Socket stingy = new Socket(); RawPeer busy = RawPeer.connect(server.port())) {
                stingy.setReceiveBufferSize(4096);
                stingy.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()));
                stingy.getOutputStream().write("GET /large HTTP/1.1\r\nHost: x\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                entered.acquire();
                block(busy, "busy");
                entered.acquire();
                Thread.sleep(3000); // most of the 5 s, so that the third's wait stays within RawPeer's read timeout
                try (RawPeer third = RawPeer.connect(server.port())) {
                    hello(third);
                }
                assertEquals("write too slow (ended to make room)", events.awaitClosed().reason());
                release("busy").countDown();
                assertEquals("released\n", busy.readResponse().bodyText(), "the busy one was not ended");
            }
        });
    }

    @Test
    void rejectsWith503WhenNoConnectionIsIdle() {
        start(OverflowPolicy.REJECT);
        assertTimeoutPreemptively(TEST_TIMEOUT, () -> {
            try (LogCapture log = LogCapture.of("dev.wisp.server.internal.ConnectionRegistry");
                    RawPeer first = RawPeer.connect(server.port()); RawPeer second = RawPeer.connect(server.port())) {
                block(first, "a");
                block(second, "b");
                entered.acquire(2);
                try (RawPeer third = RawPeer.connect(server.port())) {
                    assertEquals(REFUSED, third.readLastResponse().text());
                }
                assertTrue(log.records().stream().anyMatch(record -> record.getLevel() == Level.WARNING
                        && record.getMessage().contains("the server is full (maxConnections 2)")
                        && record.getMessage().contains("refused with 503")), "a full server says so");
                release("a").countDown();
                release("b").countDown();
                assertEquals("released\n", first.readResponse().bodyText());
                assertEquals("released\n", second.readResponse().bodyText());
            }
        });
    }

    @Test
    void waitsForAConnectionToCloseWhenNoneIsIdle() {
        start(OverflowPolicy.WAIT);
        waitWhileFullThenServe("Connection: close\r\n", (first, closed) -> assertEquals("exchange asked to close",
                closed.reason()));
    }

    @Test
    void waitingConnectionEvictsOneThatBecomesIdle() {
        start(OverflowPolicy.WAIT);
        waitWhileFullThenServe("", (first, closed) -> {
            assertEquals(first.localPort(), closed.connection().remoteAddress().getPort());
            assertEquals("evicted to make room (least recently used)", closed.reason());
        });
    }

    /** What made room for the waiting connection: the first peer and the close of its connection. */
    @FunctionalInterface
    private interface MadeRoom {
        void check(RawPeer first, ConnectionEvents.Closed closed) throws Exception;
    }

    /**
     * Fills both slots with blocked exchanges, the first with these extra headers; connects a third peer, which
     * must wait; lets the first exchange finish, after which the third must be served.
     */
    private void waitWhileFullThenServe(String firstHeaders, MadeRoom madeRoom) {
        assertTimeoutPreemptively(TEST_TIMEOUT, () -> {
            try (RawPeer first = RawPeer.connect(server.port()); RawPeer second = RawPeer.connect(server.port())) {
                first.send("GET /block/a HTTP/1.1\r\nHost: x\r\n" + firstHeaders + "\r\n");
                block(second, "b");
                entered.acquire(2);
                try (RawPeer third = RawPeer.connect(server.port())) {
                    third.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
                    assertFalse(third.isReadable(Duration.ofMillis(100)), "served while the server was full");
                    release("a").countDown();
                    assertEquals("released\n", first.readResponse().bodyText());
                    assertEquals("hello\n", third.readResponse().bodyText());
                    madeRoom.check(first, events.awaitClosed());
                }
            }
        });
    }

    @Test
    void countsConnectionsDownToZeroWhenClientsClose() {
        start(OverflowPolicy.WAIT);
        assertTimeoutPreemptively(TEST_TIMEOUT, () -> {
            try (RawPeer first = RawPeer.connect(server.port()); RawPeer second = RawPeer.connect(server.port())) {
                hello(first);
                hello(second);
                assertEquals(2, server.connectionCount());
            }
            assertEquals("peer closed", events.awaitClosed().reason());
            assertEquals("peer closed", events.awaitClosed().reason());
            assertEquals(0, server.connectionCount());
        });
    }

    private static void hello(RawPeer peer) throws Exception {
        peer.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals("hello\n", peer.readResponse().bodyText());
    }

    private static void block(RawPeer peer, String name) throws Exception {
        peer.send("GET /block/" + name + " HTTP/1.1\r\nHost: x\r\n\r\n");
    }
}
