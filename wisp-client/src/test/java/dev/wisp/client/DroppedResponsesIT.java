package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.testing.LogCapture;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

/**
 * Responses that their callers drop unfinished, neither read to the end nor closed, do not hold what they hold for
 * good: once they are garbage, the pool's sweeper closes the HTTP/1.1 connection, or releases the HTTP/2 stream,
 * and warns. Without that, a client with one connection per origin waits out its connect timeout on the next call,
 * an explicit connection's next call waits for its turn for good (pipelined, for its turn to read), and an HTTP/2
 * connection runs out of streams. The tests ask the collector to run until it has found them.
 */
class DroppedResponsesIT {
    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final String LEAKS_LOGGER = "dev.wisp.client.internal.ExchangeLeaks";

    @Test
    void theConnectionOfADroppedResponseIsClosedAndTheNextCallGetsOne() {
        assertTimeoutPreemptively(LIMIT, () -> {
            ClientConfig config = ClientConfig.builder().maxConnectionsPerOrigin(1)
                    .connectTimeout(Duration.ofSeconds(3)).build();
            try (ScriptedServer server = ScriptedServer.start(DroppedResponsesIT::answerWithALargeBody);
                    Client client = Client.create(config);
                    LogCapture log = LogCapture.of(LEAKS_LOGGER)) {
                assertEquals(200, dropResponse(client, server.url("/dropped")));
                assertEquals(1, client.openConnections(), "held by the response");

                collectUntil(() -> client.openConnections() == 0, "the dropped response's connection closed");
                try (Response response = client.send(Request.get(server.url("/next")))) {
                    assertEquals(200_000, response.bytes().length);
                }
                assertEquals(2, server.connections());
                assertOneWarning(log.records(), "http://127.0.0.1:" + server.port(), "a response from http://127.0.0.1:"
                        + server.port() + " was dropped");
            }
        });
    }

    @Test
    void anExplicitConnectionWhoseResponseWasDroppedClosesAndServesAgainAfterAReconnect() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (ScriptedServer server = ScriptedServer.start(DroppedResponsesIT::answerWithALargeBody);
                    ClientConnection connection = ClientConnection.connect(Origin.plaintext("127.0.0.1",
                            server.port()), ClientConfig.builder().build());
                    LogCapture log = LogCapture.of(LEAKS_LOGGER)) {
                assertEquals(200, dropResponse(connection, server.url("/dropped")));

                collectUntil(() -> !connection.isConnected(), "the dropped response's connection closed");
                connection.reconnect(); // takes the turn the dropped response held
                try (Response response = connection.send(Request.get(server.url("/next")))) {
                    assertEquals(200_000, response.bytes().length);
                }
                assertOneWarning(log.records(), "http://127.0.0.1:" + server.port(), "a response from http://127.0.0.1:"
                        + server.port() + " was dropped");
            }
        });
    }

    @Test
    void aPipelinedConnectionWhoseResponseWasDroppedFailsTheCallBehindItClearlyAndServesAgainAfterAReconnect() {
        assertTimeoutPreemptively(LIMIT, () -> {
            ClientConfig pipelining = ClientConfig.builder().pipelining(true).build();
            try (ScriptedServer server = ScriptedServer.start(DroppedResponsesIT::answerWithALargeBody);
                    ClientConnection connection = ClientConnection.connect(Origin.plaintext("127.0.0.1",
                            server.port()), pipelining);
                    LogCapture log = LogCapture.of(LEAKS_LOGGER)) {
                assertEquals(200, dropResponse(connection, server.url("/dropped")));
                // Written at once, pipelined behind the dropped response, whose unread body is in its way for good.
                CompletableFuture<Response> behind = connection.sendAsync(Request.get(server.url("/behind")));
                while (server.heads().size() < 2) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
                }

                collectUntil(() -> !connection.isConnected(), "the dropped response's connection closed");
                ExecutionException failed = assertThrows(ExecutionException.class,
                        () -> behind.get(10, TimeUnit.SECONDS));
                assertInstanceOf(ConnectionClosedException.class, failed.getCause());
                assertTrue(failed.getCause().getMessage().contains("dropped"), failed.getCause().getMessage());
                connection.reconnect(); // takes the write turn the calls before gave back
                try (Response response = connection.send(Request.get(server.url("/next")))) {
                    assertEquals(200_000, response.bytes().length);
                }
                assertOneWarning(log.records(), "http://127.0.0.1:" + server.port(), "a response from http://127.0.0.1:"
                        + server.port() + " was dropped");
            }
        });
    }

    @Test
    void theHttp2StreamsOfDroppedResponsesGoBackAndTheConnectionServesOn() {
        assertTimeoutPreemptively(LIMIT, () -> {
            Router router = Router.builder()
                    .get("/large", (request, response) -> response.send(new byte[3_000_000]))
                    .get("/hello", (request, response) -> response.send("hello"))
                    .build();
            try (Server server = Server.create(ServerConfig.builder().port(0).http2(true).build(), router).start();
                    Client client = Client.create(ClientConfig.builder().http2(Http2Mode.PRIOR_KNOWLEDGE).build());
                    LogCapture log = LogCapture.of(LEAKS_LOGGER)) {
                String base = "http://127.0.0.1:" + server.port();
                for (int i = 0; i < 3; i++) {
                    assertEquals(200, dropResponse(client, base + "/large"));
                }
                assertEquals(0, client.idleConnections(), "the connection carries the dropped responses' streams");

                collectUntil(() -> client.idleConnections() == 1, "the dropped responses' streams released");
                assertEquals(1, client.openConnections());
                try (Response response = client.send(Request.get(base + "/hello"))) {
                    assertEquals("hello", response.text());
                }
                assertOneWarning(log.records(), base, "dropped without being closed or read to the end");
            }
        });
    }

    /** Sends a request and drops its response unread and unclosed: nothing refers to it once this returns. */
    private static int dropResponse(Client client, String url) throws Exception {
        return client.send(Request.get(url)).statusCode();
    }

    private static int dropResponse(ClientConnection connection, String url) throws Exception {
        return connection.send(Request.get(url)).statusCode();
    }

    private static void collectUntil(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() - deadline < 0, what + " within 10 s of collections");
            System.gc();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    /**
     * One warning names this test's server: the watch is the process's, and a response another test dropped may be
     * found while this one runs (a warning names the origin whose responses were dropped).
     */
    private static void assertOneWarning(List<LogRecord> records, String origin, String expected) {
        List<String> warnings = records.stream().filter(r -> r.getLevel() == Level.WARNING)
                .map(LogRecord::getMessage).filter(message -> message.contains(origin + " ")).toList();
        assertEquals(1, warnings.size(), warnings::toString);
        assertTrue(warnings.get(0).contains(expected), warnings.get(0));
    }

    /** Answers every request on the connection with a 200,000-byte body, until the client closes it. */
    private static void answerWithALargeBody(Socket socket, int index, ScriptedServer self) throws Exception {
        while (true) {
            self.readHead(socket.getInputStream());
            ScriptedServer.write(socket, "HTTP/1.1 200 OK\r\nContent-Length: 200000\r\n\r\n");
            socket.getOutputStream().write(new byte[200_000]);
            socket.getOutputStream().flush();
        }
    }
}
