package dev.wisp.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.client.Client;
import dev.wisp.client.ClientConfig;
import dev.wisp.client.EventSource;
import dev.wisp.client.EventSourceConfig;
import dev.wisp.client.Http2Mode;
import dev.wisp.client.ReconnectPolicy;
import dev.wisp.client.Request;
import dev.wisp.core.ServerSentEvent;
import dev.wisp.server.HttpService;
import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.server.sse.EventStream;
import dev.wisp.server.sse.EventStreamConfig;
import dev.wisp.testing.RawPeer;
import dev.wisp.testing.RawResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Server-sent events through the proxy: each event reaches the client while the upstream's stream is still open
 * (nothing held back until a buffer fills), {@code Last-Event-ID} goes up on a reconnection, and a client that
 * leaves ends the upstream's stream too. Over HTTP/1.1 and h2c from the client to the proxy.
 */
class EventStreamProxyIT {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Duration LIMIT = Duration.ofSeconds(30);

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void eventsPassThroughAsTheyComeAndAClientThatLeavesEndsTheUpstreamStream(boolean http2) {
        assertTimeoutPreemptively(LIMIT, () -> {
            CountDownLatch firstReceived = new CountDownLatch(1);
            BlockingQueue<String> upstreamSaw = new ArrayBlockingQueue<>(8);
            EventStreamConfig config = EventStreamConfig.builder().retry(Duration.ofMillis(20))
                    .heartbeatInterval(Duration.ofMillis(50)).build();
            Router upstreamRoutes = Router.builder().get("/v1/events", (request, response) -> {
                try (EventStream events = EventStream.open(request, response, config)) {
                    String last = events.lastEventId().orElse("none");
                    upstreamSaw.add("opened after " + last);
                    if (last.equals("none")) {
                        events.send(ServerSentEvent.of("first").withId("1"));
                        await(firstReceived);
                        events.send(ServerSentEvent.of("second").withId("2"));
                    } else {
                        events.send("resumed after " + last);
                        events.awaitClosed();
                        upstreamSaw.add("ended");
                    }
                }
            }).build();
            Server upstream = Server.create(ServerConfig.builder().bindAddress(LOOPBACK).port(0).build(),
                    upstreamRoutes).start();
            ReverseProxy proxy = ReverseProxy.builder("http://127.0.0.1:" + upstream.port() + "/v1/")
                    .stripPrefix("/api").build();
            Server front = Server.create(ServerConfig.builder().bindAddress(LOOPBACK).port(0).http2(true).build(),
                    Router.builder().any("/api/*", proxy).build()).start();
            try (Client client = Client.create(ClientConfig.builder()
                    .http2(http2 ? Http2Mode.PRIOR_KNOWLEDGE : Http2Mode.OFF).build())) {
                EventSource source = client.eventSource(Request.get("http://127.0.0.1:" + front.port()
                        + "/api/events"), EventSourceConfig.builder().reconnectPolicy(ReconnectPolicy.builder()
                        .initialDelay(Duration.ofMillis(10)).build()).build());
                assertEquals(Optional.of(new ServerSentEvent(null, "first", "1")), source.next(),
                        "the first event, while the upstream's handler waits");
                firstReceived.countDown();
                assertEquals(Optional.of(new ServerSentEvent(null, "second", "2")), source.next());
                assertEquals(Optional.of(new ServerSentEvent(null, "resumed after 2", "2")), source.next());
                assertEquals("opened after none", upstreamSaw.poll(5, TimeUnit.SECONDS));
                assertEquals("opened after 2", upstreamSaw.poll(5, TimeUnit.SECONDS));
                source.close();
                assertEquals("ended", upstreamSaw.poll(10, TimeUnit.SECONDS),
                        "the upstream's stream outlived the client");
            } finally {
                front.stop(Duration.ZERO);
                proxy.close();
                upstream.stop(Duration.ZERO);
            }
            assertTrue(upstreamSaw.isEmpty(), upstreamSaw::toString);
        });
    }

    @Test
    void anHttp2ClientThatLeavesEndsTheRelayAtOnce() {
        assertTimeoutPreemptively(LIMIT, () -> {
            Router upstreamRoutes = Router.builder().get("/v1/events", (request, response) -> {
                try (EventStream events = EventStream.open(request, response,
                        EventStreamConfig.builder().heartbeatInterval(Duration.ofMinutes(1)).build())) {
                    events.send("first");
                    events.awaitClosed(); // quiet: no heartbeat for a minute
                }
            }).build();
            Server upstream = Server.create(ServerConfig.builder().bindAddress(LOOPBACK).port(0).build(),
                    upstreamRoutes).start();
            ReverseProxy proxy = ReverseProxy.builder("http://127.0.0.1:" + upstream.port() + "/v1/")
                    .stripPrefix("/api").build();
            CountDownLatch relayEnded = new CountDownLatch(1);
            HttpService front = HttpService.builder(Router.builder().any("/api/*", proxy).build())
                    .filter((request, response, next) -> {
                        try {
                            next.handle(request, response);
                        } finally {
                            relayEnded.countDown();
                        }
                    }).build();
            Server frontServer = Server.create(ServerConfig.builder().bindAddress(LOOPBACK).port(0).http2(true)
                    .build(), front).start();
            try (Client client = Client.create(ClientConfig.builder().http2(Http2Mode.PRIOR_KNOWLEDGE).build())) {
                EventSource source = client.eventSource("http://127.0.0.1:" + frontServer.port() + "/api/events");
                assertEquals("first", source.next().orElseThrow().data());
                source.close(); // the stream is reset
                assertTrue(relayEnded.await(5, TimeUnit.SECONDS), "the relay waited for the upstream's next bytes");
            } finally {
                frontServer.stop(Duration.ZERO);
                proxy.close();
                upstream.stop(Duration.ZERO);
            }
        });
    }

    /**
     * An upstream that sends an event stream's head and nothing more for a while (its first event minutes away): the
     * head reaches the client at once, so that a browser's EventSource opens, where it waited with the first event.
     */
    @Test
    void anEventStreamsHeadReachesTheClientBeforeItsFirstEvent() {
        assertTimeoutPreemptively(LIMIT, () -> {
            CountDownLatch headRead = new CountDownLatch(1);
            Router upstreamRoutes = Router.builder().get("/v1/quiet", (request, response) -> {
                response.header("Content-Type", "text/event-stream");
                OutputStream body = response.outputStream();
                body.flush(); // the head alone
                await(headRead);
                body.write("data: late\n\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                body.close();
            }).build();
            Server upstream = Server.create(ServerConfig.builder().bindAddress(LOOPBACK).port(0).build(),
                    upstreamRoutes).start();
            ReverseProxy proxy = ReverseProxy.builder("http://127.0.0.1:" + upstream.port() + "/v1/")
                    .stripPrefix("/api").build();
            Server front = Server.create(ServerConfig.builder().bindAddress(LOOPBACK).port(0).build(),
                    Router.builder().any("/api/*", proxy).build()).start();
            try (RawPeer peer = RawPeer.connect(front.port())) {
                peer.send("GET /api/quiet HTTP/1.1\r\nHost: x\r\n\r\n");
                RawResponse head = peer.readResponseHead();
                assertEquals(200, head.status());
                assertEquals(Optional.of("text/event-stream"), head.header("Content-Type"));
                headRead.countDown();
            } finally {
                front.stop(Duration.ZERO);
                proxy.close();
                upstream.stop(Duration.ZERO);
            }
        });
    }

    private static void await(CountDownLatch latch) throws IOException {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IOException("the client never got the first event");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
