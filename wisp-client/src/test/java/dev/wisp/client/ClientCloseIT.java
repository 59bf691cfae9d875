package dev.wisp.client;

import static dev.wisp.client.Eventually.assertEventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.wisp.client.Http2ScriptedServer.Peer;
import dev.wisp.http2.ErrorCode;
import dev.wisp.http2.Frame;
import dev.wisp.http2.GoAwayFrame;
import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Client#close()} while calls run: those on the wire finish, over HTTP/1.1 and HTTP/2 alike, and those that
 * have no connection yet fail with {@link ClientClosedException}, each call's callback run once. Before, close() reset
 * the HTTP/2 streams in flight, and a call that went on waiting for a connection died with an IllegalStateException on
 * its own thread, its callback never run. The idle connections have closed once close() returns, HTTP/2 ones too, which
 * were counted open for a moment after; an HTTP/2 connection still in use says at once with GOAWAY that no stream
 * follows, where it said so only as it closed.
 */
class ClientCloseIT {
    private static final Duration LIMIT = Duration.ofSeconds(20);

    private final CountDownLatch gate = new CountDownLatch(1);
    /** How many requests wait at the gate. */
    private final Semaphore atGate = new Semaphore(0);
    private Server server;

    private String start(boolean http2) {
        Router router = Router.builder().get("/slow", (request, response) -> {
            atGate.release();
            try {
                gate.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            response.send("done");
        }).build();
        server = Server.create(ServerConfig.builder().port(0).http2(http2).build(), router).start();
        return "http://127.0.0.1:" + server.port() + "/slow";
    }

    @AfterEach
    void stop() {
        gate.countDown();
        if (server != null) {
            server.close();
        }
    }

    /** What a callback was handed, the body's text or the failure; and how many times any callback ran. */
    private record Outcomes(List<CompletableFuture<Object>> each, AtomicInteger calls) {
        static Outcomes of(Client client, String url, int count) {
            Outcomes outcomes = new Outcomes(new ArrayList<>(), new AtomicInteger());
            for (int i = 0; i < count; i++) {
                CompletableFuture<Object> outcome = new CompletableFuture<>();
                outcomes.each.add(outcome);
                client.sendAsync(Request.get(url), new Callback() {
                    @Override
                    public void onResponse(Response response) throws IOException {
                        outcomes.calls.incrementAndGet();
                        outcome.complete(response.statusCode() + " " + response.text());
                    }

                    @Override
                    public void onFailure(IOException failure) {
                        outcomes.calls.incrementAndGet();
                        outcome.complete(failure);
                    }
                });
            }
            return outcomes;
        }

        List<Object> awaitAll() throws InterruptedException, ExecutionException {
            List<Object> results = new ArrayList<>();
            for (CompletableFuture<Object> outcome : each) {
                results.add(outcome.get());
            }
            return results;
        }
    }

    @Test
    void finishesTheHttp1CallOnTheWireAndFailsTheQueuedOnesWithClientClosed() {
        assertTimeoutPreemptively(LIMIT, () -> {
            String url = start(false);
            Client client = Client.create(ClientConfig.builder().http2(Http2Mode.OFF).maxConnectionsPerOrigin(1)
                    .build());
            Outcomes outcomes = Outcomes.of(client, url, 3);
            atGate.acquire(); // one call on the only connection; the two others wait for it
            client.close();
            gate.countDown();
            List<Object> results = outcomes.awaitAll();
            assertEquals(1, results.stream().filter("200 done"::equals).count(), results.toString());
            assertEquals(2, results.stream().filter(ClientClosedException.class::isInstance).count(),
                    results.toString());
            assertEquals(3, outcomes.calls().get(), "each callback runs once");
            assertEventually(() -> client.openConnections() == 0, () -> "the connection closed once given back");
            assertEquals(0, atGate.availablePermits(), "the queued calls never reached the server");
        });
    }

    @Test
    void finishesHttp2StreamsInFlightThenClosesTheConnection() {
        assertTimeoutPreemptively(LIMIT, () -> {
            String url = start(true);
            Client client = Client.create(ClientConfig.builder().http2(Http2Mode.PRIOR_KNOWLEDGE)
                    .maxConnectionsPerOrigin(1).build());
            Outcomes outcomes = Outcomes.of(client, url, 3);
            atGate.acquire(3); // three streams of the one connection, at the server
            client.close();
            assertEquals(1, client.openConnections(), "the connection stays while its streams run");
            gate.countDown();
            assertEquals(List.of("200 done", "200 done", "200 done"), outcomes.awaitAll());
            assertEquals(3, outcomes.calls().get(), "each callback runs once");
            assertEventually(() -> client.openConnections() == 0, () -> "the connection closed after its streams");
        });
    }

    @Test
    void tellsTheServerWithGoAwayAtOnceThatNoStreamFollowsOnAnHttp2ConnectionStillInUse() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Http2ScriptedServer scripted = Http2ScriptedServer.start(ClientConfig.builder())) {
                CompletableFuture<String> call = scripted.get("/");
                Peer peer = scripted.handshake();
                int id = peer.awaitRequest().streamId();
                scripted.client().close();
                GoAwayFrame goAway = peer.await(GoAwayFrame.class, frame -> true); // before the stream has ended
                assertEquals(ErrorCode.NO_ERROR, goAway.errorCode());
                assertEquals(0, goAway.lastStreamId(), "RFC 9113 §6.8: a client processes no stream of the server's");
                peer.respond(id, "finished");
                assertEquals("200 finished", Http2ScriptedServer.result(call));
                List<Frame> after = new ArrayList<>();
                try {
                    while (true) {
                        after.add(peer.next());
                    }
                } catch (EOFException | SocketException e) {
                    // the client closed the connection after its last stream
                }
                assertFalse(after.stream().anyMatch(GoAwayFrame.class::isInstance), "GOAWAY again: " + after);
                assertEventually(() -> scripted.client().openConnections() == 0, () -> "the connection closed");
            }
        });
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void closesTheIdleConnectionsBeforeItReturns(boolean http2) {
        assertTimeoutPreemptively(LIMIT, () -> {
            String url = start(http2);
            gate.countDown();
            for (int round = 0; round < 5; round++) { // the end of an HTTP/2 connection's reading thread raced close()
                Client client = Client.create(ClientConfig.builder()
                        .http2(http2 ? Http2Mode.PRIOR_KNOWLEDGE : Http2Mode.OFF).build());
                try (Response response = client.send(Request.get(url))) {
                    assertEquals("done", response.text());
                }
                assertEquals(1, client.idleConnections());
                client.close();
                assertEquals(0, client.openConnections(), "open connections once close() returned, round " + round);
            }
        });
    }

    @Test
    void refusesCallsAfterCloseWithClientClosed() {
        assertTimeoutPreemptively(LIMIT, () -> {
            String url = start(true);
            for (Http2Mode mode : Http2Mode.values()) {
                Client client = Client.create(ClientConfig.builder().http2(mode).build());
                client.close();
                assertThrows(ClientClosedException.class, () -> client.send(Request.get(url)), mode.name());
                ExecutionException failed = assertThrows(ExecutionException.class,
                        () -> client.sendAsync(Request.get(url)).get(), mode.name());
                assertInstanceOf(ClientClosedException.class, failed.getCause(), mode.name());
                assertEquals(0, client.openConnections(), mode.name());
            }
        });
    }
}
