package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP/1.1 pipelining on an explicit connection: requests go out before the first response is read (a peer that
 * reads every request first and only then answers shows it on the wire), responses are matched in order, a
 * non-idempotent request waits for the pipeline to drain, and a connection that fails mid-pipeline fails the
 * unanswered calls clearly, and a stalled answer to a request waiting for 100 Continue times out. Against Wisp's
 * server and nginx too.
 */
class PipeliningIT {
    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final ClientConfig PIPELINING = ClientConfig.builder().pipelining(true)
            .readTimeout(Duration.ofSeconds(5)).build();
    private static final ClientConfig STALLING = PIPELINING.toBuilder().readTimeout(Duration.ofMillis(200))
            .expectContinueTimeout(Duration.ofMillis(50)).build();

    @Test
    void writesEveryRequestBeforeTheFirstResponseIsRead() {
        assertTimeoutPreemptively(LIMIT, () -> {
            // The peer answers nothing until it has read three requests: without pipelining this never completes.
            try (ScriptedServer server = ScriptedServer.start((socket, index, self) -> {
                        List<String> paths = new ArrayList<>();
                        for (int i = 0; i < 3; i++) {
                            paths.add(self.readHead(socket.getInputStream()).split(" ")[1]);
                        }
                        for (String path : paths) {
                            ScriptedServer.write(socket, "HTTP/1.1 200 OK\r\nContent-Length: " + path.length()
                                    + "\r\n\r\n" + path);
                        }
                        socket.getInputStream().read();
                    });
                    ClientConnection connection = ClientConnection.connect(
                            Origin.plaintext("127.0.0.1", server.port()), PIPELINING)) {
                List<CompletableFuture<String>> texts = new ArrayList<>();
                for (String path : List.of("/a", "/b", "/c")) {
                    texts.add(connection.sendAsync(Request.get(server.url(path))).thenApply(PipeliningIT::text));
                }
                assertEquals("/a", texts.get(0).get(10, TimeUnit.SECONDS));
                assertEquals("/b", texts.get(1).get(10, TimeUnit.SECONDS));
                assertEquals("/c", texts.get(2).get(10, TimeUnit.SECONDS));
                assertEquals(1, server.connections());
                assertTrue(connection.isConnected(), "the connection stays open for more");
            }
        });
    }

    @Test
    void aPostWaitsUntilEveryEarlierResponseIsReadAndNothingGoesOutAfterItUntilItsOwn() {
        assertTimeoutPreemptively(LIMIT, () -> {
            List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();
            try (ScriptedServer server = ScriptedServer.start((socket, index, self) -> {
                        InputStream in = socket.getInputStream();
                        for (int i = 0; i < 2; i++) {
                            log.add("read " + self.readHead(in).split(" ")[1]);
                        }
                        log.add(silenceFor300Millis(socket));
                        answer(socket, "/a");
                        answer(socket, "/b");
                        String post = self.readHead(in);
                        in.readNBytes(4);
                        log.add("read " + post.split(" ")[1]);
                        log.add(silenceFor300Millis(socket));
                        answer(socket, "/post");
                        log.add("read " + self.readHead(in).split(" ")[1]);
                        answer(socket, "/d");
                        in.read();
                    });
                    ClientConnection connection = ClientConnection.connect(
                            Origin.plaintext("127.0.0.1", server.port()), PIPELINING)) {
                CompletableFuture<String> a = sendInTurn(connection, server, "/a", 1);
                CompletableFuture<String> b = sendInTurn(connection, server, "/b", 2);
                CompletableFuture<String> post = connection.sendAsync(Request.builder(server.url("/post"))
                        .method("POST").body("data").build()).thenApply(PipeliningIT::text);
                CompletableFuture<String> d = connection.sendAsync(Request.get(server.url("/d")))
                        .thenApply(PipeliningIT::text);
                assertEquals(List.of("/a", "/b", "/post", "/d"), List.of(a.get(10, TimeUnit.SECONDS),
                        b.get(10, TimeUnit.SECONDS), post.get(10, TimeUnit.SECONDS), d.get(10, TimeUnit.SECONDS)));
                assertEquals(List.of("read /a", "read /b", "nothing more until answered", "read /post",
                        "nothing more until answered", "read /d"), log);
            }
        });
    }

    @Test
    void aConnectionThatFailsMidPipelineFailsTheUnansweredCallsClearly() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (ScriptedServer server = ScriptedServer.start((socket, index, self) -> {
                        for (int i = 0; i < 3; i++) {
                            self.readHead(socket.getInputStream());
                        }
                        answer(socket, "/a");
                        // then the server goes away with two requests unanswered
                    });
                    ClientConnection connection = ClientConnection.connect(
                            Origin.plaintext("127.0.0.1", server.port()), PIPELINING)) {
                CompletableFuture<String> a = sendInTurn(connection, server, "/a", 1);
                CompletableFuture<String> b = sendInTurn(connection, server, "/b", 2);
                CompletableFuture<String> c = connection.sendAsync(Request.get(server.url("/c")))
                        .thenApply(PipeliningIT::text);
                assertEquals("/a", a.get(10, TimeUnit.SECONDS));
                for (CompletableFuture<String> unanswered : List.of(b, c)) {
                    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                            () -> unanswered.get(10, TimeUnit.SECONDS));
                    Throwable cause = e.getCause() instanceof java.io.UncheckedIOException io ? io.getCause()
                            : e.getCause();
                    ConnectionClosedException closed = assertInstanceOf(ConnectionClosedException.class, cause);
                    assertFalse(closed.wasRequestRetried());
                    assertTrue(closed.getMessage().contains("closed") && closed.getMessage().contains("response"),
                            closed.getMessage());
                }
                assertFalse(connection.isConnected());
            }
        });
    }

    @Test
    void aStalledAnswerToARequestWaitingFor100ContinueTimesOut() {
        assertTimeoutPreemptively(LIMIT, () -> {
            // The head is read on a thread of its own while the body waits for 100 Continue, which never comes.
            try (ScriptedServer server = ScriptedServer.start((socket, index, self) -> {
                        self.readHead(socket.getInputStream());
                        socket.getInputStream().readNBytes(4);
                        socket.getInputStream().read();
                    });
                    ClientConnection connection = ClientConnection.connect(
                            Origin.plaintext("127.0.0.1", server.port()), STALLING)) {
                CompletableFuture<Response> post = connection.sendAsync(Request.builder(server.url("/post"))
                        .method("POST").body("body").expectContinue(true).build());
                assertEquals(TimeoutExceededException.Timeout.READ, assertInstanceOf(TimeoutExceededException.class,
                        failure(post)).timeout());
            }
        });
    }

    /** What a call failed with, within a few seconds. */
    private static Throwable failure(CompletableFuture<Response> call) throws Exception {
        try {
            Response response = call.get(5, TimeUnit.SECONDS);
            response.close();
            throw new AssertionError("the call got a response: " + response);
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    @Test
    void pipelinesToWispsServerOnOneConnection() {
        assertTimeoutPreemptively(LIMIT, () -> {
            Router router = Router.builder().get("/echo/{n}", (request, response) -> response.send(
                    request.path() + " on " + request.connection().remoteAddress().getPort())).build();
            try (Server server = Server.create(ServerConfig.builder().port(0).build(), router).start();
                    ClientConnection connection = ClientConnection.connect(
                            Origin.plaintext("127.0.0.1", server.port()), PIPELINING)) {
                assertAllMatched(connection, "http://127.0.0.1:" + server.port() + "/echo/", 20);
            }
        });
    }

    @Test
    void pipelinesToNginx(@TempDir Path directory) {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (NginxPeer nginx = NginxPeer.start(directory)) {
                Files.createDirectories(nginx.root.resolve("echo"));
                for (int i = 0; i < 20; i++) {
                    Files.writeString(nginx.root.resolve("echo/" + i), "/echo/" + i + " on nginx");
                }
                try (ClientConnection connection = ClientConnection.connect(
                        Origin.plaintext("127.0.0.1", URI_PORT.apply(nginx.url("/"))), PIPELINING)) {
                    assertAllMatched(connection, nginx.url("/echo/"), 20);
                }
            }
        });
    }

    private static final java.util.function.Function<String, Integer> URI_PORT = url -> java.net.URI.create(url)
            .getPort();

    /** Sends {@code count} GETs at once and checks each got its own response, all on one connection. */
    private static void assertAllMatched(ClientConnection connection, String base, int count) throws Exception {
        List<CompletableFuture<String>> texts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            texts.add(connection.sendAsync(Request.get(base + i)).thenApply(PipeliningIT::text));
        }
        String where = null;
        for (int i = 0; i < count; i++) {
            String text = texts.get(i).get(10, TimeUnit.SECONDS);
            assertTrue(text.startsWith("/echo/" + i + " on "), text);
            String on = text.substring(text.indexOf(" on "));
            assertTrue(where == null || where.equals(on), "one connection: " + on + " after " + where);
            where = on;
        }
        assertTrue(connection.isConnected());
    }

    private static void answer(Socket socket, String body) throws java.io.IOException {
        ScriptedServer.write(socket, "HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
    }

    /** Whether the client sends anything more within 300 ms. */
    private static String silenceFor300Millis(Socket socket) throws java.io.IOException {
        socket.setSoTimeout(300);
        try {
            return "early byte " + socket.getInputStream().read();
        } catch (java.net.SocketTimeoutException e) {
            return "nothing more until answered";
        } finally {
            socket.setSoTimeout(0);
        }
    }

    /** Sends a GET and waits until the peer has read it, the {@code nth} request, so the order is known. */
    private static CompletableFuture<String> sendInTurn(ClientConnection connection, ScriptedServer server,
            String path, int nth) throws InterruptedException {
        CompletableFuture<String> text = connection.sendAsync(Request.get(server.url(path)))
                .thenApply(PipeliningIT::text);
        awaitHeads(server, nth);
        return text;
    }

    /** Waits until the peer has read this many request heads. */
    private static void awaitHeads(ScriptedServer server, int count) throws InterruptedException {
        for (int i = 0; i < 200 && server.heads().size() < count; i++) {
            Thread.sleep(10);
        }
        assertEquals(count, server.heads().size());
    }

    private static String text(Response response) {
        try (response) {
            return response.text();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
