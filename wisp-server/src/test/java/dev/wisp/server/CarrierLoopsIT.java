package dev.wisp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.testing.LogCapture;
import dev.wisp.testing.RawPeer;
import dev.wisp.testing.RawResponse;
import dev.wisp.transport.CarrierLoops;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A server whose connections run on carrier loops ({@link ServerConfig#carrierLoops()}): handlers run on virtual
 * threads carried by the loops' threads, an idle connection waits in its loop without a thread and is served again
 * on a fresh one, the idle timeout still closes it, and a handler's blocking wait on something else than its
 * socket does not hold up the other connections of its loop. The build also runs most of this module's socket
 * tests with every server on carrier loops (the {@code carrier-loops} run of the failsafe plugin).
 */
class CarrierLoopsIT {
    /** How long /compute holds its loop's thread: past {@link CarrierLoops#LONG_TURN} and a sweeper's tick. */
    private static final long COMPUTE_NANOS = CarrierLoops.LONG_TURN.toNanos() * 2;
    private static Server server;

    @BeforeAll
    static void start() {
        server = TestServers.start(TestServers.config()
                .carrierLoops(2)
                .idleTimeout(Duration.ofMillis(800)), Router.builder()
                .get("/thread", (request, response) -> response.send(Thread.currentThread().toString()))
                .get("/sleep", (request, response) -> {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1_500)); // a timed wait, as a sleep
                    response.send("slept");
                })
                .get("/compute", (request, response) -> {
                    long end = System.nanoTime() + COMPUTE_NANOS; // holds its loop's thread all along
                    long spins = 0;
                    while (System.nanoTime() - end < 0) {
                        spins++;
                    }
                    response.send(spins > 0 ? "computed" : "none");
                })
                .build());
    }

    @AfterAll
    static void stop() {
        server.stop(Duration.ZERO);
    }

    @Test
    void handlersRunOnTheLoopsAndAnIdleConnectionWaitsWithoutAThread() {
        assertTimeoutPreemptively(TestServers.TEST_TIMEOUT, () -> RawPeer.talk(server.port(), peer -> {
            String first = get(peer, "/thread");
            assertTrue(first.contains("@wisp-loop-"), "carried by a loop's thread: " + first);
            awaitDescribed("watched=true");
            assertTrue(server.describeConnections().contains("thread=none"), server.describeConnections());
            String second = get(peer, "/thread");
            assertTrue(second.contains("@wisp-loop-"), second);
        }));
    }

    @Test
    void anIdleConnectionOnALoopClosesAtItsIdleTimeout() {
        assertTimeoutPreemptively(TestServers.TEST_TIMEOUT, () -> RawPeer.talk(server.port(), peer -> {
            get(peer, "/thread");
            assertTrue(peer.isClosedCleanlyByPeer(TestServers.CLOSE_WAIT), "closed, without a response");
        }));
    }

    @Test
    void aHandlerThatSleepsHoldsUpNoOtherConnectionOfItsLoop() {
        assertTimeoutPreemptively(TestServers.TEST_TIMEOUT, () -> {
            Thread sleeper = Thread.ofVirtual().start(() -> RawPeer.talk(server.port(),
                    peer -> assertEquals("slept", get(peer, "/sleep"))));
            Thread.sleep(100); // the sleeper's request is in
            for (int i = 0; i < 8; i++) { // spread over both loops, one of which carries the sleeper
                long start = System.nanoTime();
                RawPeer.talk(server.port(), peer -> get(peer, "/thread"));
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertTrue(millis < 1_000, "answered while the handler sleeps: " + millis + " ms");
            }
            sleeper.join();
        });
    }

    @Test
    void aHandlerThatHoldsItsLoopsThreadIsLoggedAndOneThatWaitsIsNot() {
        assertTimeoutPreemptively(TestServers.TEST_TIMEOUT, () -> {
            try (LogCapture log = LogCapture.of(CarrierLoops.class.getName())) {
                RawPeer.talk(server.port(), peer -> assertEquals("slept", get(peer, "/sleep")));
                assertEquals(List.of(), log.records(), "a handler that waits lets its loop go on");
                RawPeer.talk(server.port(), peer -> assertEquals("computed", get(peer, "/compute")));
                assertEquals(1, log.records().size(), "said once, while the handler computed");
                String message = log.records().get(0).getMessage();
                assertTrue(message.startsWith("carrier loop wisp-loop-" + server.port() + "-"), message);
                assertTrue(message.contains(" has been running one turn for "), message);
            }
        });
    }

    private static String get(RawPeer peer, String path) throws IOException {
        peer.send("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
        RawResponse response = peer.readResponse();
        assertEquals(200, response.status());
        return response.bodyText();
    }

    private static void awaitDescribed(String text) throws InterruptedException {
        TestServers.awaitDescribed(server, connections -> connections.contains(text), Duration.ofSeconds(5));
    }
}
