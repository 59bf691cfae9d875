package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * The stale keep-alive problem, for real: a server closes a connection the client keeps idle. Noticed before
 * reuse when the close has arrived; when it comes just after the request went out, an idempotent request goes again
 * on the next connection (the next pooled one that has ended too, then a new one) and a POST fails clearly without
 * being sent twice.
 */
class StaleConnectionIT {
    private static final Duration LIMIT = Duration.ofSeconds(20);

    @Test
    void noticesAConnectionTheServerClosedWhileIdle() {
        assertTimeoutPreemptively(LIMIT, () -> {
            Router router = Router.builder().get("/", (request, response) -> response.send("ok")).build();
            try (Server server = Server.create(ServerConfig.builder().port(0).idleTimeout(Duration.ofMillis(100))
                    .build(), router).start(); Client client = Client.create()) {
                String url = "http://127.0.0.1:" + server.port() + "/";
                assertEquals("ok", client.send(Request.get(url)).text());
                for (int i = 0; i < 200 && server.connectionCount() > 0; i++) {
                    Thread.sleep(10); // polling the server's own count; bounded to 2 s
                }
                assertEquals(0, server.connectionCount());
                Response again = client.send(Request.get(url));
                assertEquals("ok", again.text());
                assertFalse(again.timing().connectionReused());
                assertEquals(1, client.openConnections());
            }
        });
    }

    /** Answers the first request on the first connection, then reads the next one and closes without answering. */
    private static ScriptedServer closingAfterOneExchange() throws Exception {
        return ScriptedServer.start((socket, index, self) -> {
            var in = socket.getInputStream();
            String head = self.readHead(in);
            if (head.contains("Content-Length: 4")) {
                in.readNBytes(4);
            }
            ScriptedServer.write(socket, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            if (index == 0) {
                String second = self.readHead(in);
                if (second.contains("Content-Length: 4")) {
                    in.readNBytes(4);
                }
            }
        });
    }

    @Test
    void retriesAnIdempotentRequestOnceOnANewConnection() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (ScriptedServer server = closingAfterOneExchange(); Client client = Client.create()) {
                assertEquals("ok", client.send(Request.get(server.url("/one"))).text());
                Response retried = client.send(Request.builder(server.url("/two")).method("PUT").body("data")
                        .build());
                assertEquals("ok", retried.text());
                assertFalse(retried.timing().connectionReused());
                assertEquals(2, server.connections());
                assertEquals(3, server.heads().size());
                assertTrue(server.heads().get(2).startsWith("PUT /two"), server.heads().get(2));
            }
        });
    }

    @Test
    void goesAgainWhileEachPooledConnectionItMeetsHasEnded() {
        assertTimeoutPreemptively(LIMIT, () -> {
            // Two connections answer one request each, at once (so that both are pooled), then end under the next.
            CountDownLatch bothOpen = new CountDownLatch(2);
            try (ScriptedServer server = ScriptedServer.start((socket, index, self) -> {
                var in = socket.getInputStream();
                self.readHead(in);
                if (index < 2) {
                    bothOpen.countDown();
                    bothOpen.await();
                }
                ScriptedServer.write(socket, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
                if (index < 2) {
                    self.readHead(in);
                }
            }); Client client = Client.create()) {
                List<CompletableFuture<Response>> first = List.of(client.sendAsync(Request.get(server.url("/a"))),
                        client.sendAsync(Request.get(server.url("/b"))));
                for (CompletableFuture<Response> answer : first) {
                    assertEquals("ok", answer.join().text());
                }
                assertEquals(2, client.idleConnections());
                Response third = client.send(Request.get(server.url("/c")));
                assertEquals("ok", third.text());
                assertFalse(third.timing().connectionReused());
                assertEquals(3, server.connections());
                assertEquals(5, server.heads().size(), server.heads().toString());
            }
        });
    }

    @Test
    void neverSendsAPostTwice() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (ScriptedServer server = closingAfterOneExchange(); Client client = Client.create()) {
                assertEquals("ok", client.send(Request.get(server.url("/one"))).text());
                ConnectionClosedException e = assertThrows(ConnectionClosedException.class,
                        () -> client.send(Request.builder(server.url("/order")).method("POST").body("data").build()));
                String origin = Origin.plaintext("127.0.0.1", server.port()).toString();
                assertTrue(e.getMessage().startsWith("the reused connection to " + origin + " ended before answering ("
                        + e.getCause().getMessage() + ")"), e.getMessage());
                assertTrue(e.getMessage().endsWith("; POST was not retried (not idempotent): it may or may not have "
                        + "been processed"), e.getMessage());
                assertFalse(e.wasRequestRetried());
                assertEquals(1, server.connections());
                assertEquals(1, server.heads().stream().filter(head -> head.startsWith("POST")).count());
                assertEquals(0, client.openConnections());
            }
        });
    }
}
