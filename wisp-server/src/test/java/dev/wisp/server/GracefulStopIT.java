package dev.wisp.server;

import static dev.wisp.server.TestServers.CLOSE_WAIT;
import static dev.wisp.server.TestServers.TEST_TIMEOUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.testing.RawPeer;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Server#stop(Duration)}: it stops accepting, closes idle connections at once, lets exchanges in flight
 * finish within the grace period and closes their connections after them, cuts off what outlives the grace, and
 * returns in every case.
 */
class GracefulStopIT {
    /** Far more than loopback's socket buffers hold, so a response's write waits for a client that does not read. */
    private static final int FLOOD_BYTES = 64 << 20;

    private final ConnectionEvents events = new ConnectionEvents();
    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private Server server;

    @BeforeEach
    void start() {
        server = TestServers.start(TestServers.config().connectionListener(events), Router.builder()
                .get("/hello", (request, response) -> response.send("hello\n"))
                .get("/slow", (request, response) -> {
                    entered.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    response.send("finished\n");
                })
                .get("/flood", (request, response) -> {
                    entered.countDown();
                    response.send(new byte[FLOOD_BYTES]);
                })
                .post("/read", (request, response) -> {
                    entered.countDown();
                    response.send(request.bodyBytes());
                })
                .build());
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(Duration.ZERO);
    }

    @Test
    void finishesTheExchangeInFlightClosesIdleConnectionsAndRefusesNewOnes() {
        assertTimeoutPreemptively(TEST_TIMEOUT, () -> {
            try (RawPeer busy = RawPeer.connect(server.port()); RawPeer idle = RawPeer.connect(server.port())) {
                idle.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
                assertEquals("hello\n", idle.readResponse().bodyText());
                busy.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
                entered.await();
                int port = server.port();

                Thread stopping = Thread.ofPlatform().start(() -> server.stop(Duration.ofSeconds(5)));
                ConnectionEvents.Closed closed = events.awaitClosed();
                assertEquals(idle.localPort(), closed.connection().remoteAddress().getPort());
                assertEquals("server stopping", closed.reason());
                assertTrue(idle.isClosedByPeer(CLOSE_WAIT));
                assertThrows(ConnectException.class, () -> RawPeer.connect(port).close());

                release.countDown();
                assertEquals("""
                        HTTP/1.1 200 OK\r
                        Content-Type: text/plain; charset=utf-8\r
                        Content-Length: 9\r
                        Date: <date>\r
                        Connection: close\r
                        \r
                        finished
                        """, busy.readLastResponse().text());
                stopping.join();
                assertEquals(0, server.connectionCount());
            }
        });
    }

    @Test
    void returnsAtOnceWhenNothingIsOpen() {
        assertTimeoutPreemptively(Duration.ofSeconds(2), () -> server.stop(Duration.ofSeconds(30)));
    }

    /** The first request's handler waits for a body that never comes, the second's for a latch never released. */
    @ParameterizedTest
    @ValueSource(strings = {
        "POST /read HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nhalf",
        "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"})
    void cutsOffAHandlerThatOutlivesTheGrace(String request) {
        RawPeer.talk(server.port(), peer -> {
            peer.send(request);
            entered.await();
            server.stop(Duration.ofMillis(100));
            assertEquals(0, server.connectionCount());
            assertTrue(peer.isClosedByPeer(CLOSE_WAIT));
            assertEquals("server stopped", events.awaitClosed().reason());
        });
    }

    /**
     * An HTTP/2 handler runs on a thread of its own, not the connection's: at the end of the grace it is interrupted
     * as an HTTP/1.1 one is, and the stop returns once it has returned, so that what the application closes after
     * the stop (a database pool) is no longer in use. Before, the stop returned with the handler still sleeping.
     */
    @Test
    void interruptsAnHttp2HandlerThatOutlivesTheGraceAndReturnsOnlyAfterIt() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean returned = new java.util.concurrent.atomic.AtomicBoolean();
        CountDownLatch started = new CountDownLatch(1);
        Server h2 = Server.create(TestServers.config().http2(true).build(), Router.builder()
                .get("/sleep", (request, response) -> {
                    started.countDown();
                    try {
                        Thread.sleep(60_000);
                    } catch (InterruptedException e) {
                        returned.set(true);
                        Thread.currentThread().interrupt();
                        return;
                    }
                    response.send("slept\n");
                })
                .build()).start(); // h2c in every run: the handler's thread is the point, not the transport
        Process curl = new ProcessBuilder(dev.wisp.testing.PeerTools.require("curl").toString(), "-s",
                "--http2-prior-knowledge", "http://127.0.0.1:" + h2.port() + "/sleep").start();
        try {
            assertTrue(started.await(20, java.util.concurrent.TimeUnit.SECONDS), "the handler ran");
            assertTimeoutPreemptively(Duration.ofSeconds(20), () -> h2.stop(Duration.ofMillis(100)));
            assertTrue(returned.get(), "the handler was interrupted and returned before the stop did");
            assertEquals(0, h2.connectionCount());
        } finally {
            curl.destroyForcibly();
            h2.stop(Duration.ZERO);
        }
    }

    @Test
    void cutsOffAResponseBlockedOnAClientThatDoesNotReadAtTheEndOfTheGrace() {
        RawPeer.talk(server.port(), peer -> {
            peer.send("GET /flood HTTP/1.1\r\nHost: x\r\n\r\n");
            entered.await();
            Thread.sleep(500); // the socket's buffers fill, and the write waits for the client, up to the write timeout
            server.stop(Duration.ofMillis(100));
            assertEquals(0, server.connectionCount());
            assertEquals("server stopped", events.awaitClosed().reason());
        });
    }
}
