package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.core.MessageTooLargeException;
import dev.wisp.core.ServerSentEvent;
import dev.wisp.core.Status;
import dev.wisp.server.Handler;
import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.server.sse.EventStream;
import dev.wisp.server.sse.EventStreamConfig;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The client's {@link EventSource} against Wisp's own {@link EventStream}, over HTTP/1.1 and h2c: reconnection with
 * {@code Last-Event-ID} after the stream's retry, a server error retried, a refusal and a policy that gives up ending
 * the source, an event over the limit, a close from another thread, and a quiet stream the read timeout ends.
 */
class EventSourceIT {
    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final ReconnectPolicy QUICK = ReconnectPolicy.builder().initialDelay(Duration.ofMillis(10))
            .maxDelay(Duration.ofMillis(50)).build();
    private static final EventSourceConfig SOURCE = EventSourceConfig.builder().reconnectPolicy(QUICK).build();

    private static Server start(boolean http2, Handler events) {
        return Server.create(ServerConfig.builder().port(0).http2(http2).build(),
                Router.builder().get("/events", events).build()).start();
    }

    private static Client client(boolean http2) {
        return Client.create(ClientConfig.builder().http2(http2 ? Http2Mode.PRIOR_KNOWLEDGE : Http2Mode.OFF)
                .readTimeout(Duration.ofSeconds(5)).build());
    }

    private static Request events(Server server) {
        return Request.get("http://127.0.0.1:" + server.port() + "/events");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void goesOnFromTheLastIdAfterTheStreamEnds(boolean http2) {
        assertTimeoutPreemptively(LIMIT, () -> {
            BlockingQueue<String> seen = new ArrayBlockingQueue<>(8);
            // Heartbeats find the client gone once it closed, so that the server's stop need not wait for the stream.
            EventStreamConfig config = EventStreamConfig.builder().retry(Duration.ofMillis(150))
                    .heartbeatInterval(Duration.ofMillis(100)).build();
            try (Server server = start(http2, (request, response) -> {
                        try (EventStream stream = EventStream.open(request, response, config)) {
                            String last = stream.lastEventId().orElse("none");
                            seen.add(request.protocol() + " " + request.headers().firstOrNull("Accept") + " " + last);
                            if (last.equals("none")) {
                                for (int id = 1; id <= 3; id++) {
                                    stream.send(ServerSentEvent.of("n", "event " + id).withId(Integer.toString(id)));
                                }
                            } else {
                                stream.send("resumed after " + last);
                                stream.awaitClosed();
                            }
                        }
                    });
                    Client client = client(http2);
                    EventSource source = client.eventSource(events(server), EventSourceConfig.defaults())) {
                for (int id = 1; id <= 3; id++) {
                    assertEquals(Optional.of(new ServerSentEvent("n", "event " + id, Integer.toString(id))),
                            source.next());
                }
                long ended = System.nanoTime();
                assertEquals(Optional.of(new ServerSentEvent(null, "resumed after 3", "3")), source.next());
                assertTrue(System.nanoTime() - ended >= TimeUnit.MILLISECONDS.toNanos(110),
                        "reconnected before the stream's retry of 150 ms, jitter of 20% aside");
                String protocol = http2 ? "HTTP/2" : "HTTP/1.1";
                assertEquals(protocol + " text/event-stream none", seen.poll(5, TimeUnit.SECONDS));
                assertEquals(protocol + " text/event-stream 3", seen.poll(5, TimeUnit.SECONDS));
            }
        });
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void closeFromAnotherThreadEndsAWaitingNextAndTheServerSeesItGo(boolean http2) {
        assertTimeoutPreemptively(LIMIT, () -> {
            BlockingQueue<String> ended = new ArrayBlockingQueue<>(2);
            EventStreamConfig config = EventStreamConfig.builder().heartbeatInterval(Duration.ofMillis(50)).build();
            try (Server server = start(http2, (request, response) -> {
                        try (EventStream stream = EventStream.open(request, response, config)) {
                            stream.send("first");
                            stream.awaitClosed();
                            ended.add("ended");
                        }
                    });
                    Client client = client(http2)) {
                EventSource source = client.eventSource(events(server), SOURCE);
                assertEquals("first", source.next().orElseThrow().data());
                CompletableFuture<Optional<ServerSentEvent>> waiting = CompletableFuture.supplyAsync(() -> {
                    try {
                        return source.next();
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                Thread.sleep(100); // the heartbeats come and go meanwhile, and are no events
                assertFalse(waiting.isDone());
                source.close();
                assertEquals(Optional.empty(), waiting.get(5, TimeUnit.SECONDS));
                assertEquals("ended", ended.poll(5, TimeUnit.SECONDS), "the server's stream did not end");
            }
        });
    }

    @Test
    void retriesAServerErrorAndEndsOnARefusal() {
        assertTimeoutPreemptively(LIMIT, () -> {
            AtomicInteger requests = new AtomicInteger();
            try (Server server = start(false, (request, response) -> {
                        int number = requests.incrementAndGet();
                        if (number == 2 || number == 3) {
                            response.status(Status.SERVICE_UNAVAILABLE).send("restarting\n");
                        } else if (number == 5) {
                            response.status(Status.FORBIDDEN).send("no more\n");
                        } else {
                            try (EventStream stream = EventStream.open(request, response)) {
                                stream.send("stream " + number);
                            }
                        }
                    });
                    Client client = client(false);
                    EventSource source = client.eventSource(events(server), SOURCE)) {
                assertEquals("stream 1", source.next().orElseThrow().data());
                assertEquals("stream 4", source.next().orElseThrow().data(), "after two 503s");
                EventSourceRefusedException refused = assertThrows(EventSourceRefusedException.class, source::next);
                assertEquals(403, refused.status().code());
                assertEquals("no more\n", new String(refused.body(), java.nio.charset.StandardCharsets.UTF_8));
                assertEquals(Optional.empty(), source.next(), "the source ended");
                assertEquals(5, requests.get());
            }
        });
    }

    @Test
    void givesUpAsThePolicySaysWhenTheServerIsGone() {
        assertTimeoutPreemptively(LIMIT, () -> {
            Server server = start(false, (request, response) -> {
                try (EventStream stream = EventStream.open(request, response)) {
                    stream.send("only");
                }
            });
            try (Client client = client(false);
                    EventSource source = client.eventSource(events(server), EventSourceConfig.builder()
                            .reconnectPolicy(ReconnectPolicy.builder().initialDelay(Duration.ofMillis(10))
                                    .maxAttempts(3).build()).build())) {
                assertEquals("only", source.next().orElseThrow().data());
                server.stop(Duration.ZERO);
                assertThrows(ConnectRefusedException.class, source::next);
                assertEquals(Optional.empty(), source.next());
            } finally {
                server.stop(Duration.ZERO);
            }
        });
    }

    /**
     * A stream that sets {@code retry: 0} and ends at once, without an event: the reconnection time is 100 ms at
     * least, and a stream without an event is no success, so the policy's delay grows and its maxAttempts ends it.
     * Before, each such stream reset the count: about a thousand connections a second, for good.
     */
    @Test
    void aStreamThatEndsAtOnceWithRetryZeroIsNoStormAndThePolicyEndsIt() {
        assertTimeoutPreemptively(LIMIT, () -> {
            AtomicInteger requests = new AtomicInteger();
            try (Server server = start(false, (request, response) -> {
                        if (requests.incrementAndGet() == 1) {
                            try (EventStream stream = EventStream.open(request, response)) {
                                stream.send("first");
                            }
                            return;
                        }
                        try (EventStream stream = EventStream.open(request, response)) {
                            stream.retry(Duration.ZERO);
                        }
                    });
                    Client client = client(false);
                    EventSource source = client.eventSource(events(server), EventSourceConfig.builder()
                            .reconnectPolicy(ReconnectPolicy.builder().initialDelay(Duration.ofMillis(10))
                                    .jitter(0).maxAttempts(4).build()).build())) {
                assertEquals("first", source.next().orElseThrow().data());
                long start = System.nanoTime();
                assertEquals(Optional.empty(), source.next(), "given up after 4 streams without an event");
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                assertEquals(5, requests.get());
                // 10 ms, then from the stream's retry at least 100: 200, 400 ms.
                assertTrue(took.compareTo(Duration.ofMillis(700)) >= 0, "took " + took);
            }
        });
    }

    @Test
    void endsOnAnEventOverTheLimit() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Server server = start(false, (request, response) -> {
                        try (EventStream stream = EventStream.open(request, response)) {
                            stream.send("small");
                            stream.send("x".repeat(2000));
                        }
                    });
                    Client client = client(false);
                    EventSource source = client.eventSource(events(server),
                            SOURCE.toBuilder().maxEventBytes(1024).build())) {
                assertEquals("small", source.next().orElseThrow().data());
                MessageTooLargeException tooLarge = assertThrows(MessageTooLargeException.class, source::next);
                assertEquals("maxEventBytes", tooLarge.limitName());
                assertEquals(Optional.empty(), source.next());
            }
        });
    }

    @Test
    void reconnectsWhenAQuietStreamOutlastsTheReadTimeoutUnlessHeartbeatsKeepItUp() {
        assertTimeoutPreemptively(LIMIT, () -> {
            AtomicInteger requests = new AtomicInteger();
            for (Duration heartbeats : List.of(Duration.ZERO, Duration.ofMillis(100))) {
                requests.set(0);
                EventStreamConfig config = EventStreamConfig.builder().heartbeatInterval(heartbeats).build();
                Server server = start(false, (request, response) -> {
                    try (EventStream stream = EventStream.open(request, response, config)) {
                        stream.send(ServerSentEvent.of("hello " + requests.incrementAndGet()).withId("1"));
                        stream.awaitClosed();
                    }
                });
                // A stream without heartbeats never learns that its client left: the stop cuts it after a short grace.
                try (Client client = Client.create(ClientConfig.builder().readTimeout(Duration.ofMillis(400))
                                .build());
                        EventSource source = client.eventSource(events(server), SOURCE)) {
                    assertEquals("hello 1", source.next().orElseThrow().data());
                    if (heartbeats.isZero()) {
                        assertEquals("hello 2", source.next().orElseThrow().data(), "after the read timed out");
                    } else {
                        CompletableFuture<Optional<ServerSentEvent>> next = CompletableFuture.supplyAsync(() -> {
                            try {
                                return source.next();
                            } catch (java.io.IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                        });
                        Thread.sleep(1200); // three read timeouts' worth, each read answered by a heartbeat
                        assertFalse(next.isDone(), "the stream was dropped although it sent heartbeats");
                        assertEquals(1, requests.get());
                        source.close();
                        assertEquals(Optional.empty(), next.get(5, TimeUnit.SECONDS));
                    }
                } finally {
                    server.stop(Duration.ofMillis(100));
                }
            }
        });
    }
}
