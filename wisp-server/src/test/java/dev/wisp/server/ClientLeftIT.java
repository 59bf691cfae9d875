package dev.wisp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.wisp.testing.PeerTools;
import dev.wisp.testing.RawPeer;
import dev.wisp.testing.RawResponse;
import dev.wisp.testing.TestTransport;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * {@link ServerRequest#hasClientLeft()}: a handler that answers late (a long poll) finds a client that closed, over
 * HTTP/1.1 and HTTP/2, and the look takes nothing the client sent.
 */
class ClientLeftIT {
    private static final Duration LIMIT = Duration.ofSeconds(30);

    /** A long poll: looks every 10 ms until the client left or the wait is over, and reports what it found. */
    private static Router longPoll(BlockingQueue<String> seen, Duration wait) {
        return longPoll(seen, wait, new CountDownLatch(1));
    }

    /** The same, counting {@code told} down when {@link ServerRequest#onClientLeft} runs. */
    private static Router longPoll(BlockingQueue<String> seen, Duration wait, CountDownLatch told) {
        return Router.builder().get("/poll", (request, response) -> {
            request.onClientLeft(told::countDown);
            seen.add("started " + request.hasClientLeft());
            long end = System.nanoTime() + wait.toNanos();
            while (!request.hasClientLeft() && System.nanoTime() < end) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            }
            seen.add("left " + request.hasClientLeft());
            response.send("done\n");
        }).build();
    }

    @Test
    void aLongPollFindsAClientThatClosedOverHttp1() {
        assertTimeoutPreemptively(LIMIT, () -> {
            BlockingQueue<String> seen = new ArrayBlockingQueue<>(4);
            CountDownLatch told = new CountDownLatch(1);
            try (Server server = TestServers.start(longPoll(seen, Duration.ofSeconds(10), told))) {
                try (RawPeer peer = RawPeer.connect(server.port())) {
                    peer.send("GET /poll HTTP/1.1\r\nHost: x\r\n\r\n");
                    assertEquals("started false", seen.poll(10, TimeUnit.SECONDS));
                }
                assertEquals("left true", seen.poll(5, TimeUnit.SECONDS), "the client's close was not found");
                assertTrue(told.await(5, TimeUnit.SECONDS), "onClientLeft, once a look found it");
                TestServers.awaitNoConnections(server);
            }
        });
    }

    @Test
    void aLongPollFindsAClientThatClosedOverHttp2() {
        assumeFalse(TestTransport.isTls(), "curl is given a plaintext URL");
        assertTimeoutPreemptively(LIMIT, () -> {
            BlockingQueue<String> seen = new ArrayBlockingQueue<>(4);
            CountDownLatch told = new CountDownLatch(1);
            try (Server server = TestServers.start(TestServers.config().http2(true), longPoll(seen,
                    Duration.ofSeconds(10), told))) {
                Process curl = new ProcessBuilder(PeerTools.require("curl").toString(), "-sS",
                        "--http2-prior-knowledge", "--max-time", "1",
                        "http://127.0.0.1:" + server.port() + "/poll").start();
                try {
                    assertEquals("started false", seen.poll(10, TimeUnit.SECONDS));
                    assertTrue(curl.waitFor(10, TimeUnit.SECONDS));
                    assertEquals("left true", seen.poll(5, TimeUnit.SECONDS), "curl's close was not found");
                    assertTrue(told.await(5, TimeUnit.SECONDS), "onClientLeft, as the stream was reset");
                } finally {
                    curl.destroyForcibly();
                }
            }
        });
    }

    @Test
    void aHalfCloseCountsAsLeftOverHttp1() {
        assertTimeoutPreemptively(LIMIT, () -> {
            BlockingQueue<String> seen = new ArrayBlockingQueue<>(4);
            try (Server server = TestServers.start(longPoll(seen, Duration.ofSeconds(10)));
                    RawPeer peer = RawPeer.connect(server.port())) {
                peer.send("GET /poll HTTP/1.1\r\nHost: x\r\n\r\n");
                assertEquals("started false", seen.poll(10, TimeUnit.SECONDS));
                peer.shutdownOutput();
                assertEquals("left true", seen.poll(5, TimeUnit.SECONDS), "the half-close was not found");
                // The handler still answers; what it writes reaches a client that only half-closed.
                assertEquals("done\n", peer.readResponse().bodyText());
            }
        });
    }

    @Test
    void cannotTellWhileAPipelinedRequestWaitsAndTakesNothingOfIt() {
        assertTimeoutPreemptively(LIMIT, () -> {
            BlockingQueue<String> seen = new ArrayBlockingQueue<>(4);
            try (Server server = TestServers.start(longPoll(seen, Duration.ofMillis(300)));
                    RawPeer peer = RawPeer.connect(server.port())) {
                peer.send("GET /poll HTTP/1.1\r\nHost: x\r\n\r\n");
                assertEquals("started false", seen.poll(10, TimeUnit.SECONDS));
                // The next request comes after the handler's look found nothing, so it waits in the kernel for the
                // next look, which must leave it there.
                Thread.sleep(50);
                peer.send("GET /poll HTTP/1.1\r\nHost: x\r\n\r\n");
                peer.shutdownOutput();
                assertEquals("left false", seen.poll(5, TimeUnit.SECONDS), "a request to come read as the end");
                assertEquals("done\n", peer.readResponse().bodyText());
                // The second request is read whole; the half-close behind it is found at the first look.
                assertEquals("started true", seen.poll(10, TimeUnit.SECONDS));
                assertEquals("left true", seen.poll(5, TimeUnit.SECONDS));
                RawResponse second = peer.readResponse();
                assertEquals(200, second.status());
                assertEquals("done\n", second.bodyText());
            }
        });
    }
}
