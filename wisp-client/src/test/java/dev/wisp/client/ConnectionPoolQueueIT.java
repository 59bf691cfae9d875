package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Calls that wait for a pooled connection get one in the order they came. Before, each woke on its own to race
 * for a freed connection, so a caller reading responses in the order it asked for them could wait on one that
 * kept losing to later calls, whose unread responses held every connection, until its connect timeout.
 */
class ConnectionPoolQueueIT {
    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final String BODY = "x".repeat(100);

    /** Starts a call on a thread of its own; the future holds its response, whose body is left unread. */
    private static CompletableFuture<Response> start(Client client, String url, List<Thread> threads) {
        CompletableFuture<Response> response = new CompletableFuture<>();
        threads.add(Thread.ofVirtual().start(() -> {
            try {
                response.complete(client.send(Request.get(url)));
            } catch (Throwable e) {
                response.completeExceptionally(e);
            }
        }));
        return response;
    }

    /** Waits until the thread is parked, waiting for a connection: bounded by the test's limit. */
    private static void awaitWaiting(Thread thread) {
        while (thread.getState() != Thread.State.TIMED_WAITING && thread.getState() != Thread.State.WAITING) {
            assertTrue(thread.isAlive(), "the call ended instead of waiting for a connection");
            Thread.onSpinWait();
        }
    }

    /**
     * Asynchronous calls take their places when they are made, so they are served in that order whichever of their
     * threads runs first: a caller that reads their responses in that order never waits on a call passed over by a
     * later one whose unread response holds the connection (which failed as a connect timeout).
     */
    @Test
    void servesAsynchronousCallsInTheOrderTheyWereMade() {
        assertTimeoutPreemptively(LIMIT, () -> {
            List<String> served = java.util.Collections.synchronizedList(new ArrayList<>());
            Router router = Router.builder().get("/", (request, response) -> {
                served.add(request.target().rawQuery().orElseThrow());
                response.send(BODY);
            }).build();
            ClientConfig config = ClientConfig.builder().maxConnectionsPerOrigin(1)
                    .connectTimeout(Duration.ofSeconds(3)).build();
            try (Server server = Server.create(ServerConfig.builder().port(0).build(), router).start();
                    Client client = Client.create(config)) {
                for (int round = 0; round < 10; round++) {
                    served.clear();
                    List<CompletableFuture<Response>> responses = new ArrayList<>();
                    List<String> made = new ArrayList<>();
                    for (int i = 0; i < 50; i++) {
                        made.add(String.valueOf(i));
                        responses.add(client.sendAsync(Request.get("http://127.0.0.1:" + server.port() + "/?" + i)));
                    }
                    for (CompletableFuture<Response> response : responses) {
                        try (Response whole = response.join()) {
                            assertEquals(BODY, whole.text());
                        }
                    }
                    assertEquals(made, served, "round " + round);
                }
            }
        });
    }

    @Test
    void servesWaitingCallsInTheOrderTheyCame() {
        assertTimeoutPreemptively(LIMIT, () -> {
            Router router = Router.builder().get("/", (request, response) -> response.send(BODY)).build();
            ClientConfig config = ClientConfig.builder().maxConnectionsPerOrigin(2)
                    .connectTimeout(Duration.ofSeconds(3)).build();
            try (Server server = Server.create(ServerConfig.builder().port(0).build(), router).start();
                    Client client = Client.create(config)) {
                String url = "http://127.0.0.1:" + server.port() + "/";
                List<Thread> threads = new ArrayList<>();
                List<CompletableFuture<Response>> responses = new ArrayList<>();
                for (int i = 0; i < 40; i++) {
                    responses.add(start(client, url, threads));
                    if (i < 2) {
                        responses.get(i).join(); // holds one of the two connections until its body is read
                    } else {
                        awaitWaiting(threads.get(i));
                    }
                }
                for (CompletableFuture<Response> response : responses) {
                    assertEquals(BODY, response.join().text());
                }
                assertEquals(2, client.idleConnections());
            }
        });
    }
}
