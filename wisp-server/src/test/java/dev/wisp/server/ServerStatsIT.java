package dev.wisp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.core.Status;
import dev.wisp.server.filters.RequestTimer;
import dev.wisp.testing.PeerTools;
import dev.wisp.testing.RawPeer;
import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketListener;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code Server.stats()} and {@link StatsHandler}: connections accepted and refused, and final responses by class,
 * counted over HTTP/1.1 and h2c from curl and raw sockets, handlers' answers and the server's own (a 400 for a
 * malformed request, a 431 over HTTP/2, a 503 to a client past its limit, a 500 for a handler that threw, a 101);
 * and the Prometheus text a scrape reads, checked by Prometheus's promtool.
 */
class ServerStatsIT {
    private static final Duration LIMIT = Duration.ofSeconds(60);
    /** A sample line of the exposition format: a name, labels maybe, a number. */
    private static final Pattern SAMPLE = Pattern.compile("[a-z_]+(\\{class=\"[1-5]xx\"})? [0-9]+(\\.[0-9]+)?");

    private Server server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(Duration.ZERO);
        }
    }

    @Test
    void countsConnectionsAndResponsesByClassAndServesThemToAScrape() {
        assertTimeoutPreemptively(LIMIT, () -> {
            AtomicReference<Server> started = new AtomicReference<>();
            Router router = Router.builder()
                    .get("/ok", (request, response) -> response.send("ok\n"))
                    .get("/moved", (request, response) -> response.status(Status.FOUND).header("Location", "/ok")
                            .send())
                    .get("/boom", (request, response) -> {
                        throw new IllegalStateException("a handler that fails");
                    })
                    .webSocket("/ws", WebSocketConfig.defaults(), request -> WebSocketListener.echo())
                    .get("/metrics", StatsHandler.prometheus(() -> started.get().stats()))
                    .build();
            Instant before = Instant.now();
            server = Server.create(ServerConfig.builder().port(0).http2(true).maxConnectionsPerClient(2).build(),
                    router).start();
            started.set(server);
            ServerStats fresh = server.stats();
            assertEquals(new ResponseCounts(0, 0, 0, 0, 0), fresh.responses());
            assertTrue(!fresh.startedAt().isBefore(before.minusMillis(1)), fresh.toString());
            String base = "http://127.0.0.1:" + server.port();

            // One connection, five answers: 200, 200, 302, 404 (no route), 500 (the handler threw).
            TestCurl.run("-s", "-o", "/dev/null", base + "/ok", "-o", "/dev/null", base + "/ok", "-o", "/dev/null",
                    base + "/moved", "-o", "/dev/null", base + "/missing", "-o", "/dev/null", base + "/boom");
            // Over h2c: a 200, and a 431 the connection answers before any handler (more fields than maxHeaderCount).
            TestCurl.run("-s", "-o", "/dev/null", "--http2-prior-knowledge", base + "/ok");
            List<String> crowded = new ArrayList<>(List.of("-s", "-o", "/dev/null", "-w", "%{http_code}",
                    "--http2-prior-knowledge"));
            for (int i = 0; i < 101; i++) {
                crowded.addAll(List.of("-H", "X-Field-" + i + ": " + i));
            }
            crowded.add(base + "/ok");
            assertEquals("431", TestCurl.run(crowded.toArray(String[]::new)).stdout());
            // The server's own: a 400 for a request without Host; a 101 for a WebSocket.
            RawPeer.talk(server.port(), peer -> {
                peer.send("GET /ok HTTP/1.1\r\n\r\n");
                assertEquals(400, peer.readResponse().status());
            });
            RawPeer.talk(server.port(), peer -> {
                peer.send("GET /ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
                assertEquals(101, peer.readResponseHead().status());
                // The connection takes its WebSocket's place in the server's registry a moment after the 101 went out.
                long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                while (server.stats().openWebSockets() == 0 && System.nanoTime() - deadline < 0) {
                    Thread.sleep(10);
                }
                assertEquals(1, server.stats().openWebSockets(), "the switched connection");
            });
            TestServers.awaitNoConnections(server); // the WebSocket's too, before the per-client limit counts
            // Past the per-client limit of 2: the third connection is refused with a 503.
            RawPeer.talk(server.port(), first -> RawPeer.talk(server.port(), second -> {
                first.send("GET /ok HTTP/1.1\r\nHost: localhost\r\n\r\n");
                assertEquals(200, first.readResponse().status());
                second.send("GET /ok HTTP/1.1\r\nHost: localhost\r\n\r\n");
                assertEquals(200, second.readResponse().status());
                RawPeer.talk(server.port(), third -> assertEquals(503, third.readResponse().status()));
            }));
            TestServers.awaitNoConnections(server);

            ServerStats stats = server.stats();
            assertEquals(new ResponseCounts(1, 5, 1, 3, 2), stats.responses(), stats.toString());
            assertEquals(12, stats.responses().total());
            assertEquals(7, stats.acceptedConnections(), stats.toString());
            assertEquals(1, stats.refusedConnections(), stats.toString());
            assertEquals(0, stats.openConnections());
            assertEquals(0, stats.openWebSockets());
            assertEquals(0, stats.tlsHandshakeFailures());

            PeerScrape scrape = PeerScrape.of(TestCurl.run("-s", "-D", "-", base + "/metrics").stdout());
            assertTrue(scrape.head().contains("Content-Type: text/plain; version=0.0.4; charset=utf-8"), scrape.head());
            for (String line : scrape.body().lines().toList()) {
                assertTrue(line.startsWith("# HELP wisp_") || line.startsWith("# TYPE wisp_")
                        || SAMPLE.matcher(line).matches(), line);
            }
            // Prometheus's own checker of the format, its lint included (help text, counters' names, units).
            PeerTools.Result checked = PeerTools.runWithInput(Duration.ofSeconds(30),
                    List.of(PeerTools.require("promtool").toString(), "check", "metrics"), scrape.body());
            assertEquals(0, checked.exitCode(), checked.stdout() + checked.stderr());
            assertEquals("", checked.stdout() + checked.stderr());
            assertTrue(scrape.body().contains("""
                    # TYPE wisp_responses_total counter
                    wisp_responses_total{class="1xx"} 1
                    wisp_responses_total{class="2xx"} 5
                    wisp_responses_total{class="3xx"} 1
                    wisp_responses_total{class="4xx"} 3
                    wisp_responses_total{class="5xx"} 2
                    """), scrape.body());
            assertTrue(scrape.body().contains("\nwisp_connections_open 1\n"), "the scrape's own connection");
            assertTrue(scrape.body().contains("\n# TYPE wisp_websockets_open gauge\nwisp_websockets_open 0\n"),
                    scrape.body());
            assertTrue(scrape.body().contains("\nwisp_connections_accepted_total 8\n"), scrape.body());
            assertTrue(scrape.body().contains("\nwisp_connections_refused_total 1\n"), scrape.body());
            assertEquals(6, server.stats().responses().successful(), "the scrape's answer is counted too");
        });
    }

    /**
     * A {@link RequestTimer}'s histogram in the same scrape: an answer slower than a bucket's bound is counted above
     * it, and a handler still at work, like the scrape itself, is in flight.
     */
    @Test
    void servesTheDurationsOfExchangesAsAHistogram() {
        assertTimeoutPreemptively(LIMIT, () -> {
            AtomicReference<Server> started = new AtomicReference<>();
            RequestTimer timer = RequestTimer.create();
            CountDownLatch entered = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Router router = Router.builder()
                    .get("/ok", (request, response) -> response.send("ok\n"))
                    .get("/slow", (request, response) -> {
                        sleep(120);
                        response.send("slow\n");
                    })
                    .get("/held", (request, response) -> {
                        entered.countDown();
                        awaitUninterruptibly(release);
                        response.send("held\n");
                    })
                    .get("/metrics", StatsHandler.prometheus(() -> started.get().stats(), timer::durations))
                    .build();
            server = Server.create(ServerConfig.builder().port(0).http2(true).build(),
                    HttpService.builder(router).filter(timer).build()).start();
            started.set(server);
            String base = "http://127.0.0.1:" + server.port();
            TestCurl.run("-s", "-o", "/dev/null", base + "/ok", "-o", "/dev/null", base + "/missing", "-o",
                    "/dev/null", base + "/slow");
            TestCurl.run("-s", "-o", "/dev/null", "--http2-prior-knowledge", base + "/ok");
            awaitCount(timer, 4); // a client may have its answer a moment before the filter has counted it
            Thread held = Thread.ofVirtual().start(() -> {
                try {
                    TestCurl.run("-s", "-o", "/dev/null", base + "/held");
                } catch (IOException | InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            entered.await();

            String scrape = TestCurl.run("-s", base + "/metrics").stdout();
            release.countDown();
            held.join();
            PeerTools.Result checked = PeerTools.runWithInput(Duration.ofSeconds(30),
                    List.of(PeerTools.require("promtool").toString(), "check", "metrics"), scrape);
            assertEquals(0, checked.exitCode(), checked.stdout() + checked.stderr());
            assertEquals("", checked.stdout() + checked.stderr());
            assertTrue(scrape.contains("# TYPE wisp_request_duration_seconds histogram\n"), scrape);
            // Four ended (the 404 too); the slow one took more than 0.1 s, and all of them less than 10 s.
            assertTrue(scrape.contains("\nwisp_request_duration_seconds_count 4\n"), scrape);
            assertTrue(scrape.contains("\nwisp_request_duration_seconds_bucket{le=\"+Inf\"} 4\n"), scrape);
            assertTrue(scrape.contains("\nwisp_request_duration_seconds_bucket{le=\"10\"} 4\n"), scrape);
            long withinATenth = sample(scrape, "wisp_request_duration_seconds_bucket{le=\"0.1\"}");
            assertTrue(withinATenth <= 3, scrape);
            assertTrue(sample(scrape, "wisp_request_duration_seconds_bucket{le=\"0.001\"}") <= withinATenth, scrape);
            assertTrue(scrape.contains("\nwisp_requests_in_flight 2\n"), "the held one and the scrape: " + scrape);

            awaitCount(timer, 6);
            RequestDurations after = timer.durations();
            assertTrue(after.sum().compareTo(Duration.ofMillis(120)) > 0, after.toString());
            assertEquals(0, after.inFlight());
        });
    }

    private static long sample(String scrape, String name) {
        return scrape.lines().filter(line -> line.startsWith(name + " ")).mapToLong(
                line -> Long.parseLong(line.substring(name.length() + 1))).findFirst().orElseThrow();
    }

    private static void awaitCount(RequestTimer timer, long count) throws InterruptedException {
        while (timer.durations().count() < count) {
            Thread.sleep(5);
        }
        assertEquals(count, timer.durations().count());
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aServerNotStartedHasNoStats() {
        Server notStarted = Server.create(ServerConfig.builder().port(0).build(), Router.builder().build());
        assertThrows(IllegalStateException.class, notStarted::stats);
    }

    /** A response as {@code curl -D -} prints it: the head, a blank line, the body. */
    private record PeerScrape(String head, String body) {
        static PeerScrape of(String printed) {
            int blank = printed.indexOf("\r\n\r\n");
            return new PeerScrape(printed.substring(0, blank), printed.substring(blank + 4));
        }
    }
}
