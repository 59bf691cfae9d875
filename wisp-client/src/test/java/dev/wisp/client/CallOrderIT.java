package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Calls on an explicit connection take their turns in the order they were made, whichever of their threads runs
 * first: a raw loopback server records the order the requests arrive in. A call that is canceled, times out or
 * fails before its turn gives its place up at once, and the calls behind it go on over the same connection.
 */
class CallOrderIT {
    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final int CALLS = 64;

    @Test
    void pipelinedCallsGoOutInTheOrderTheyWereMade() {
        assertTimeoutPreemptively(LIMIT, () -> {
            // The peer reads every request before it answers any, so all of them are on the wire together.
            try (ScriptedServer server = ScriptedServer.start((socket, index, self) -> {
                        List<String> paths = new ArrayList<>();
                        for (int i = 0; i < CALLS; i++) {
                            paths.add(path(self.readHead(socket.getInputStream())));
                        }
                        for (String path : paths) {
                            answer(socket, path);
                        }
                        socket.getInputStream().read();
                    });
                    ClientConnection connection = ClientConnection.connect(Origin.plaintext("127.0.0.1",
                            server.port()), ClientConfig.builder().pipelining(true).build())) {
                assertOrderKept(server, sendAll(server, connection));
            }
        });
    }

    @Test
    void callsOnOneConnectionTakeTurnsInTheOrderTheyWereMade() {
        assertTimeoutPreemptively(LIMIT, () -> {
            CountDownLatch allMade = new CountDownLatch(1);
            // The first response waits until every call was made, so the rest queue behind it.
            try (ScriptedServer server = ScriptedServer.start((socket, index, self) -> {
                        for (int i = 0; i < CALLS; i++) {
                            String path = path(self.readHead(socket.getInputStream()));
                            if (i == 0) {
                                allMade.await();
                            }
                            answer(socket, path);
                        }
                        socket.getInputStream().read();
                    });
                    ClientConnection connection = ClientConnection.connect(Origin.plaintext("127.0.0.1",
                            server.port()), ClientConfig.defaults())) {
                List<CompletableFuture<String>> texts = sendAll(server, connection);
                allMade.countDown();
                assertOrderKept(server, texts);
            }
        });
    }

    @Test
    void aCanceledCallGivesUpItsPlaceAndTheCallsBehindItGoOn() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (ScriptedServer server = holdingTheFirstAnswerUntil(new CountDownLatch(0));
                    ClientConnection connection = ClientConnection.connect(Origin.plaintext("127.0.0.1",
                            server.port()), ClientConfig.defaults())) {
                CompletableFuture<Response> first = connection.sendAsync(Request.get(server.url("/first")));
                CompletableFuture<Response> gone = connection.sendAsync(Request.get(server.url("/canceled")));
                CompletableFuture<String> last = send(connection, server, "/last");
                // The first call holds the turn until its body is read: the canceled call is next in line as the
                // turn passes, right after the cancel.
                Response held = first.get(10, TimeUnit.SECONDS);
                assertTrue(gone.cancel(true));
                assertFollowedOn(server, connection, CompletableFuture.completedFuture(text(held)), last);
            }
        });
    }

    @Test
    void aCallWhoseDeadlinePassesWhileItWaitsGivesUpItsPlace() {
        assertTimeoutPreemptively(LIMIT, () -> {
            CountDownLatch timedOut = new CountDownLatch(1);
            ClientConfig config = ClientConfig.builder().callTimeout(Duration.ofMillis(1000)).build();
            try (ScriptedServer server = holdingTheFirstAnswerUntil(timedOut);
                    ClientConnection connection = ClientConnection.connect(Origin.plaintext("127.0.0.1",
                            server.port()), config)) {
                // The call deadline counts from when a call is made: made 500 ms before the others, this one's
                // passes while it waits behind the first, whose deadline (and the last's) is still ahead.
                Call early = connection.call(Request.get(server.url("/early")));
                Thread.sleep(500);
                CompletableFuture<String> first = send(connection, server, "/first");
                CompletableFuture<Response> late = early.executeAsync();
                CompletableFuture<String> last = send(connection, server, "/last");
                ExecutionException e = assertThrows(ExecutionException.class, () -> late.get(10, TimeUnit.SECONDS));
                assertInstanceOf(TimeoutExceededException.class, e.getCause());
                timedOut.countDown();
                assertFollowedOn(server, connection, first, last);
            }
        });
    }

    @Test
    void aCallThatFailsBeforeItsTurnGivesUpItsPlace() {
        assertTimeoutPreemptively(LIMIT, () -> {
            CountDownLatch failed = new CountDownLatch(1);
            try (ScriptedServer server = holdingTheFirstAnswerUntil(failed);
                    ClientConnection connection = ClientConnection.connect(Origin.plaintext("127.0.0.1",
                            server.port()), ClientConfig.defaults())) {
                CompletableFuture<String> first = send(connection, server, "/first");
                // A request for another origin fails on its own thread, before it waits for its turn.
                CompletableFuture<Response> elsewhere = connection.sendAsync(Request.get("http://127.0.0.2:1/"));
                CompletableFuture<String> last = send(connection, server, "/last");
                ExecutionException e = assertThrows(ExecutionException.class,
                        () -> elsewhere.get(10, TimeUnit.SECONDS));
                assertInstanceOf(IllegalArgumentException.class, e.getCause());
                failed.countDown();
                assertFollowedOn(server, connection, first, last);
            }
        });
    }

    /** A peer that reads the first request, answers it once {@code release} opens, then reads and answers one more. */
    private static ScriptedServer holdingTheFirstAnswerUntil(CountDownLatch release) throws IOException {
        return ScriptedServer.start((socket, index, self) -> {
            InputStream in = socket.getInputStream();
            String first = path(self.readHead(in));
            release.await();
            answer(socket, first);
            answer(socket, path(self.readHead(in)));
            in.read();
        });
    }

    /** The first call and the last were answered in turn on the one connection, and nothing went out between. */
    private static void assertFollowedOn(ScriptedServer server, ClientConnection connection,
            CompletableFuture<String> first, CompletableFuture<String> last) throws Exception {
        assertEquals("/first", first.get(10, TimeUnit.SECONDS));
        assertEquals("/last", last.get(10, TimeUnit.SECONDS));
        assertEquals(List.of("/first", "/last"), server.heads().stream().map(CallOrderIT::path).toList());
        assertEquals(1, server.connections());
        assertTrue(connection.isConnected(), "the call that gave up its place left the connection open");
    }

    /** Each call got the answer to its own request, and the requests reached the peer in the order of the calls. */
    private static void assertOrderKept(ScriptedServer server, List<CompletableFuture<String>> texts)
            throws Exception {
        List<String> answers = new ArrayList<>();
        for (CompletableFuture<String> text : texts) {
            answers.add(text.get(10, TimeUnit.SECONDS));
        }
        assertEquals(expectedPaths(), answers);
        assertEquals(expectedPaths(), server.heads().stream().map(CallOrderIT::path).toList());
    }

    /** Makes {@link #CALLS} calls one after another. */
    private static List<CompletableFuture<String>> sendAll(ScriptedServer server, ClientConnection connection) {
        List<CompletableFuture<String>> texts = new ArrayList<>();
        for (String path : expectedPaths()) {
            texts.add(send(connection, server, path));
        }
        return texts;
    }

    private static List<String> expectedPaths() {
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < CALLS; i++) {
            paths.add("/" + i);
        }
        return paths;
    }

    private static CompletableFuture<String> send(ClientConnection connection, ScriptedServer server, String path) {
        return connection.sendAsync(Request.get(server.url(path))).thenApply(CallOrderIT::text);
    }

    private static String path(String head) {
        return head.split(" ")[1];
    }

    private static void answer(Socket socket, String body) throws IOException {
        ScriptedServer.write(socket, "HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
    }

    private static String text(Response response) {
        try (response) {
            return response.text();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
