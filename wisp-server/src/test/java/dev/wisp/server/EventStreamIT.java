package dev.wisp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.wisp.core.ServerSentEvent;
import dev.wisp.server.filters.Compression;
import dev.wisp.server.sse.EventStream;
import dev.wisp.server.sse.EventStreamClosedException;
import dev.wisp.server.sse.EventStreamConfig;
import dev.wisp.testing.OutputLines;
import dev.wisp.testing.PeerTools;
import dev.wisp.testing.RawPeer;
import dev.wisp.testing.RawResponse;
import dev.wisp.testing.TestTransport;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Server-sent events ({@link EventStream}) as raw bytes on the wire, to curl over HTTP/1.1 and HTTP/2, and to
 * clients that leave or stop reading.
 */
class EventStreamIT {
    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final EventStreamConfig QUICK = EventStreamConfig.builder()
            .heartbeatInterval(Duration.ofMillis(100)).build();

    @Test
    void sendsTheHeadAtOnceThenEachEventAsItIsSent() {
        assertTimeoutPreemptively(LIMIT, () -> {
            BlockingQueue<String> headRead = new ArrayBlockingQueue<>(1);
            Router router = Router.builder().get("/events", (request, response) -> {
                try (EventStream events = EventStream.open(request, response,
                        EventStreamConfig.builder().retry(Duration.ofMillis(1500)).build())) {
                    await(headRead);
                    events.send(ServerSentEvent.of("tick", "one\ntwo").withId("1"));
                    events.comment("between");
                    events.send("plain");
                }
            }).build();
            try (Server server = TestServers.start(router); RawPeer peer = RawPeer.connect(server.port())) {
                peer.send("GET /events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n");
                RawResponse head = peer.readResponseHead();
                assertEquals(200, head.status());
                assertEquals("text/event-stream", head.header("Content-Type").orElseThrow());
                assertEquals("no-store", head.header("Cache-Control").orElseThrow());
                assertEquals("chunked", head.header("Transfer-Encoding").orElseThrow());
                assertTrue(peer.readUntil("retry: 1500\n\n\r\n").endsWith("retry: 1500\n\n\r\n"));
                headRead.add("read");
                assertEquals("event: tick\nid: 1\ndata: one\ndata: two\n\n\r\n",
                        chunkData(peer.readUntil("\n\n\r\n")));
                assertEquals(": between\n\r\n", chunkData(peer.readUntil("\n\r\n")));
                assertEquals("data: plain\n\n\r\n", chunkData(peer.readUntil("\n\n\r\n")));
                assertEquals("0\r\n\r\n", peer.readUntil("0\r\n\r\n"), "the stream ends with its last chunk");
            }
        });
    }

    @Test
    void sendsHeartbeatsWhileQuietAndFindsAClientThatLeft() {
        assertTimeoutPreemptively(LIMIT, () -> {
            CountDownLatch ended = new CountDownLatch(1);
            Router router = Router.builder().get("/events", (request, response) -> {
                try (EventStream events = EventStream.open(request, response, QUICK)) {
                    events.awaitClosed();
                    ended.countDown();
                }
            }).build();
            try (Server server = TestServers.start(router)) {
                try (RawPeer peer = RawPeer.connect(server.port())) {
                    peer.send("GET /events HTTP/1.1\r\nHost: x\r\n\r\n");
                    peer.readResponseHead();
                    peer.readUntil(":\n\r\n");
                    peer.readUntil(":\n\r\n");
                    assertEquals(1, ended.getCount(), "the stream ended while its client was there");
                }
                assertTrue(ended.await(10, TimeUnit.SECONDS), "the stream did not end after its client left");
                TestServers.awaitNoConnections(server);
            }
        });
    }

    @Test
    void aHeartbeatFindsAClientThatLeftWithoutWritingToIt() {
        assertTimeoutPreemptively(LIMIT, () -> {
            BlockingQueue<Long> sent = new ArrayBlockingQueue<>(1);
            Router router = Router.builder().get("/events", (request, response) -> {
                try (EventStream events = EventStream.open(request, response,
                        EventStreamConfig.builder().heartbeatInterval(Duration.ofSeconds(1)).build())) {
                    events.send("hi");
                    events.awaitClosed();
                }
            }).build();
            HttpService service = HttpService.builder(router).filter((request, response, next) -> {
                try {
                    next.handle(request, response);
                } finally {
                    sent.add(response.contentBytesSent());
                }
            }).build();
            try (Server server = TestServers.start(TestServers.config(), service)) {
                try (RawPeer peer = RawPeer.connect(server.port())) {
                    peer.send("GET /events HTTP/1.1\r\nHost: x\r\n\r\n");
                    peer.readResponseHead();
                    assertEquals("data: hi\n\n\r\n", chunkData(peer.readUntil("\n\n\r\n")));
                }
                // The first heartbeat after the close looks before it writes: nothing goes to the gone client,
                // where a write would still have gone through and only the next one failed.
                assertEquals(Long.valueOf("data: hi\n\n".length()), sent.poll(10, TimeUnit.SECONDS));
                TestServers.awaitNoConnections(server);
            }
        });
    }

    @Test
    void anHttp2ClientThatLeavesEndsItsStreamAtOnce() {
        assumeFalse(TestTransport.isTls(), "curl is given a plaintext URL");
        assertTimeoutPreemptively(LIMIT, () -> {
            CountDownLatch ended = new CountDownLatch(1);
            Router router = Router.builder().get("/events", (request, response) -> {
                try (EventStream events = EventStream.open(request, response,
                        EventStreamConfig.builder().heartbeatInterval(Duration.ofMinutes(1)).build())) {
                    events.send("hi");
                    events.awaitClosed();
                    ended.countDown();
                }
            }).build();
            try (Server server = TestServers.start(TestServers.config().http2(true), router)) {
                Process curl = new ProcessBuilder(PeerTools.require("curl").toString(), "-sSN",
                        "--http2-prior-knowledge", "http://127.0.0.1:" + server.port() + "/events").start();
                try {
                    OutputLines.follow(curl.getInputStream()).await("data: hi", Duration.ofSeconds(10));
                } finally {
                    curl.destroy(); // its connection closes: the stream is reset, long before the next heartbeat
                }
                assertTrue(ended.await(5, TimeUnit.SECONDS), "the stream outlived its HTTP/2 client");
            }
        });
    }

    @Test
    void endsTheStreamOfAClientThatDoesNotKeepUp() {
        assertTimeoutPreemptively(LIMIT, () -> {
            AtomicReference<EventStream> opened = new AtomicReference<>();
            CountDownLatch ended = new CountDownLatch(1);
            Router router = Router.builder().get("/events", (request, response) -> {
                try (EventStream events = EventStream.open(request, response,
                        QUICK.toBuilder().maxQueuedEvents(4).build())) {
                    opened.set(events);
                    events.awaitClosed();
                    ended.countDown();
                }
            }).build();
            ServerConfig.Builder config = TestServers.config().writeTimeout(Duration.ofMillis(500));
            try (Server server = TestServers.start(config, router); RawPeer peer = RawPeer.connect(server.port())) {
                peer.send("GET /events HTTP/1.1\r\nHost: x\r\n\r\n");
                peer.readResponseHead();
                while (opened.get() == null) {
                    Thread.onSpinWait();
                }
                // The peer reads no more: the socket's buffers fill, the writer blocks, the queue fills.
                ServerSentEvent large = ServerSentEvent.of("x".repeat(64 * 1024));
                int offered = 0;
                while (opened.get().offer(large)) {
                    offered++;
                    assertTrue(offered < 10_000, "offers never refused");
                    if (offered % 4 == 0) {
                        Thread.sleep(5);
                    }
                }
                assertFalse(opened.get().isOpen());
                assertFalse(opened.get().offer(ServerSentEvent.of("after")), "an offer after the end");
                assertTrue(ended.await(10, TimeUnit.SECONDS), "the writing thread did not return");
            }
        });
    }

    @Test
    void aServerThatStopsEndsItsStreamsWithoutWaitingOutTheGrace() {
        assertTimeoutPreemptively(LIMIT, () -> {
            CountDownLatch ended = new CountDownLatch(1);
            Router router = Router.builder().get("/events", (request, response) -> {
                try (EventStream events = EventStream.open(request, response)) {
                    events.send("hello");
                    events.awaitClosed();
                    ended.countDown();
                }
            }).build();
            Server server = TestServers.start(router);
            try (RawPeer peer = RawPeer.connect(server.port())) {
                peer.send("GET /events HTTP/1.1\r\nHost: x\r\n\r\n");
                peer.readResponseHead();
                peer.readUntil("data: hello\n\n\r\n");
                // A grace longer than the test's limit: a stop that waited it out would fail the test.
                server.stop(Duration.ofSeconds(60));
                assertEquals("0\r\n\r\n", peer.readUntil("0\r\n\r\n"), "the stream's end, properly framed");
                assertTrue(ended.await(5, TimeUnit.SECONDS), "awaitClosed did not return");
                assertTrue(peer.isClosedByPeer(Duration.ofSeconds(5)));
            } finally {
                server.stop(Duration.ZERO);
            }
        });
    }

    @Test
    void refusesSendsOnceTheStreamEnded() {
        assertTimeoutPreemptively(LIMIT, () -> {
            BlockingQueue<String> outcome = new ArrayBlockingQueue<>(1);
            Router router = Router.builder().get("/events", (request, response) -> {
                EventStream events = EventStream.open(request, response, QUICK);
                events.close();
                try {
                    events.send("late");
                    outcome.add("sent");
                } catch (EventStreamClosedException e) {
                    outcome.add(e.getMessage());
                }
            }).build();
            try (Server server = TestServers.start(router); RawPeer peer = RawPeer.connect(server.port())) {
                peer.send("GET /events HTTP/1.1\r\nHost: x\r\n\r\n");
                RawResponse response = peer.readResponse();
                assertEquals("", response.bodyText());
                assertEquals("the event stream has ended", outcome.poll(5, TimeUnit.SECONDS));
            }
        });
    }

    /**
     * A handler written as for GET (open, send, wait), which the ended stream of a HEAD fails at its first send, still
     * answers HEAD with the head a GET gets: 200, no Content-Length (the stream's length is unknown, RFC 9110 §8.6).
     * Before, the head had Content-Length: 0, and over HTTP/1.1 the failure turned it into a 500.
     */
    @Test
    void answersHeadWithTheHeadOfTheStreamWhenTheHandlerSendsAnyway() {
        assertTimeoutPreemptively(LIMIT, () -> {
            Router router = Router.builder().get("/events", (request, response) -> {
                try (EventStream events = EventStream.open(request, response, QUICK)) {
                    events.send("hello");
                    events.awaitClosed();
                }
            }).build();
            try (Server server = TestServers.start(router); RawPeer peer = RawPeer.connect(server.port())) {
                peer.send("HEAD /events HTTP/1.1\r\nHost: x\r\n\r\n");
                RawResponse head = peer.readResponseHead();
                assertEquals(200, head.status());
                assertEquals("text/event-stream", head.header("Content-Type").orElseThrow());
                assertFalse(head.header("Content-Length").isPresent(), head.toString());
            }
        });
    }

    @Test
    void answersHeadWithTheHeadAloneAndGivesTheLastEventId() {
        assertTimeoutPreemptively(LIMIT, () -> {
            BlockingQueue<String> ids = new ArrayBlockingQueue<>(4);
            Router router = Router.builder().get("/events", (request, response) -> {
                try (EventStream events = EventStream.open(request, response, QUICK)) {
                    ids.add(events.lastEventId().orElse("(none)") + " " + events.isOpen());
                    if (events.isOpen()) {
                        events.send("after " + events.lastEventId().orElse("nothing"));
                    }
                }
            }).build();
            try (Server server = TestServers.start(router); RawPeer peer = RawPeer.connect(server.port())) {
                peer.send("HEAD /events HTTP/1.1\r\nHost: x\r\n\r\n");
                RawResponse head = peer.readResponseHead();
                assertEquals("text/event-stream", head.header("Content-Type").orElseThrow());
                assertEquals("(none) false", ids.poll(5, TimeUnit.SECONDS));
                peer.send("GET /events HTTP/1.1\r\nHost: x\r\nLast-Event-ID: 41\r\n\r\n");
                assertEquals("data: after 41\n\n", peer.readResponse().bodyText());
                assertEquals("41 true", ids.poll(5, TimeUnit.SECONDS));
            }
        });
    }

    @Test
    void curlReadsEachEventAsItComesOverHttp1AndHttp2() {
        assumeFalse(TestTransport.isTls(), "curl is given plaintext URLs");
        assertTimeoutPreemptively(LIMIT, () -> {
            BlockingQueue<String> go = new ArrayBlockingQueue<>(4);
            Router router = Router.builder().get("/events", (request, response) -> {
                try (EventStream events = EventStream.open(request, response, QUICK)) {
                    events.send(ServerSentEvent.of("first " + request.protocol()).withId("1"));
                    await(go);
                    events.send(ServerSentEvent.of("second"));
                }
            }).build();
            try (Server server = TestServers.start(TestServers.config().http2(true), router)) {
                for (List<String> flags : List.of(List.of("--http1.1"), List.of("--http2-prior-knowledge"))) {
                    Process curl = new ProcessBuilder(PeerTools.require("curl").toString(), "-sSN", "--max-time", "15",
                            flags.get(0), "http://127.0.0.1:" + server.port() + "/events").start();
                    try {
                        OutputLines lines = OutputLines.follow(curl.getInputStream());
                        // The first event arrives while the handler still waits: nothing is held back.
                        String first = lines.await("data: first", Duration.ofSeconds(10));
                        go.add("go");
                        lines.await("data: second", Duration.ofSeconds(10));
                        assertTrue(curl.waitFor(10, TimeUnit.SECONDS));
                        assertEquals(0, curl.exitValue(), flags + ": " + lines.seen());
                        assertEquals("data: first " + (flags.get(0).contains("http2") ? "HTTP/2" : "HTTP/1.1"), first);
                    } finally {
                        curl.destroyForcibly();
                    }
                }
            }
        });
    }

    @Test
    void gzippedEventsStillComeOneByOne() {
        assumeFalse(TestTransport.isTls(), "curl is given a plaintext URL");
        assertTimeoutPreemptively(LIMIT, () -> {
            BlockingQueue<String> go = new ArrayBlockingQueue<>(4);
            Router router = Router.builder().get("/events", (request, response) -> {
                try (EventStream events = EventStream.open(request, response, QUICK)) {
                    events.send("first");
                    await(go);
                    events.send("second");
                }
            }).build();
            HttpService service = HttpService.builder(router).filter(Compression.gzip()).build();
            try (Server server = TestServers.start(TestServers.config(), service)) {
                Process curl = new ProcessBuilder(PeerTools.require("curl").toString(), "-sSN", "--compressed",
                        "-D", "-", "--max-time", "15", "http://127.0.0.1:" + server.port() + "/events").start();
                try {
                    OutputLines lines = OutputLines.follow(curl.getInputStream());
                    lines.await("data: first", Duration.ofSeconds(10));
                    go.add("go");
                    lines.await("data: second", Duration.ofSeconds(10));
                    assertTrue(curl.waitFor(10, TimeUnit.SECONDS));
                    assertTrue(lines.seen().stream().anyMatch(line -> line.strip().equalsIgnoreCase(
                            "Content-Encoding: gzip")), () -> "not gzipped: " + lines.seen());
                } finally {
                    curl.destroyForcibly();
                }
            }
        });
    }

    /** The data of one chunk, read whole: its size line checked and dropped. */
    private static String chunkData(String chunk) {
        int lineEnd = chunk.indexOf("\r\n");
        int size = Integer.parseInt(chunk.substring(0, lineEnd), 16);
        String data = chunk.substring(lineEnd + 2);
        assertEquals(size + 2, data.length(), "chunk size of " + chunk);
        return data;
    }

    private static void await(BlockingQueue<String> go) throws IOException {
        try {
            if (go.poll(10, TimeUnit.SECONDS) == null) {
                throw new IOException("the test did not go on");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
