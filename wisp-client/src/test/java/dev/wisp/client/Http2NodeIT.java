package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.core.Version;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The client's HTTP/2 against node's {@code http2} module (nghttp2 inside) where a server does more than serve:
 * trailers, a small SETTINGS_MAX_CONCURRENT_STREAMS (which nghttp2 enforces with a connection error), a graceful
 * GOAWAY while calls run, a restart between calls, and a cancel among calls sharing the connection. Over TLS with
 * ALPN h2, and h2c by prior knowledge.
 */
// beside the other classes, its cases too: they mostly wait, on servers in processes of their own
@Execution(ExecutionMode.CONCURRENT)
class Http2NodeIT {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @TempDir
    Path directory;
    private NodeHttp2Peer node;
    private Http2Peer peer;
    private Client client;

    private void start(String mode, ClientConfig.Builder config, String... options) throws Exception {
        node = NodeHttp2Peer.start(directory, mode.equals("h2"), options);
        peer = node.peer();
        client = Client.create(peer.clientConfig(config).build());
    }

    private void start(String mode, String... options) throws Exception {
        start(mode, ClientConfig.builder(), options);
    }

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        if (node != null) {
            node.close();
        }
    }

    private List<CompletableFuture<Response>> sendAll(int count, String path) {
        List<CompletableFuture<Response>> calls = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            calls.add(client.sendAsync(Request.get(peer.url(path))));
        }
        return calls;
    }

    private static void assertAnswered(String expected, List<CompletableFuture<Response>> calls) throws Exception {
        for (CompletableFuture<Response> call : calls) {
            try (Response response = call.get(20, TimeUnit.SECONDS)) {
                assertEquals(Version.HTTP_2, response.version());
                assertEquals(expected, response.text());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "h2c"})
    void readsTrailersAfterTheBody(String mode) {
        assertTimeoutPreemptively(LIMIT, () -> {
            start(mode);
            for (int i = 0; i < 3; i++) {
                try (Response response = client.send(Request.get(peer.url("/trailers")))) {
                    assertEquals("part one, part two", response.text());
                    assertEquals("abc", response.trailers().firstOrNull("x-checksum"));
                    assertEquals("2", response.trailers().firstOrNull("x-parts"));
                }
            }
            assertEquals(1, client.openConnections());
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "h2c"})
    void callsBeyondTheServersStreamLimitWaitAndNoneFails(String mode) {
        assertTimeoutPreemptively(LIMIT, () -> {
            start(mode, ClientConfig.builder().maxConnectionsPerOrigin(1), "--max-streams", "2");
            try (Response first = client.send(Request.get(peer.url("/index.html")))) {
                assertEquals("hello peer\n", first.text()); // the server's SETTINGS are known from here on
            }
            long started = System.nanoTime();
            List<CompletableFuture<Response>> calls = sendAll(8, "/slow?ms=200");
            assertAnswered("slow 200", calls);
            long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
            assertTrue(elapsedMillis >= 4 * 200 - 50, "two at a time take four rounds: " + elapsedMillis + " ms");
            assertEquals(1, client.openConnections());
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "h2c"})
    void responsesThatCameWholeButAreUnreadLeaveTheServersStreamsToOtherCalls(String mode) {
        assertTimeoutPreemptively(LIMIT, () -> {
            start(mode, ClientConfig.builder().maxConnectionsPerOrigin(1).connectTimeout(Duration.ofSeconds(2)),
                    "--max-streams", "2");
            try (Response first = client.send(Request.get(peer.url("/index.html")));
                    Response second = client.send(Request.get(peer.url("/index.html")))) {
                // Both streams closed when their responses ended (RFC 9113 §5.1.2): the server counts them no more.
                try (Response third = client.send(Request.get(peer.url("/slow?ms=10")))) {
                    assertEquals("slow 10", third.text());
                }
                assertEquals("hello peer\n", first.text());
                assertEquals("hello peer\n", second.text());
            }
            assertEquals(1, client.openConnections());
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "h2c"})
    void callsBeyondTheServersStreamLimitMayOpenMoreConnectionsAndNoneFails(String mode) {
        assertTimeoutPreemptively(LIMIT, () -> {
            start(mode, "--max-streams", "2");
            try (Response first = client.send(Request.get(peer.url("/index.html")))) {
                assertEquals("hello peer\n", first.text());
            }
            assertAnswered("slow 200", sendAll(12, "/slow?ms=200"));
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "h2c"})
    void callsTheServerDidNotProcessBeforeItsGoAwayGoAgainOnANewConnection(String mode) {
        assertTimeoutPreemptively(LIMIT, () -> {
            // The third stream of each connection makes the server send GOAWAY naming it the last one it processes.
            start(mode, "--goaway-after", "3");
            try (Response first = client.send(Request.get(peer.url("/stream")))) {
                assertTrue(first.text().startsWith("stream 1 "), "the first stream of the connection");
            }
            List<CompletableFuture<Response>> calls = sendAll(5, "/slow?ms=300");
            calls.add(client.sendAsync(Request.builder(peer.url("/echo")).method("POST").body("not idempotent")
                    .build()));
            List<CompletableFuture<Response>> slow = calls.subList(0, 5);
            assertAnswered("slow 300", slow);
            try (Response echoed = calls.get(5).get(20, TimeUnit.SECONDS)) {
                assertEquals("not idempotent", echoed.text());
            }
            try (Response after = client.send(Request.get(peer.url("/index.html")))) {
                assertEquals("hello peer\n", after.text());
                assertTrue(after.timing().connectionReused(), "the new connection serves later calls");
            }
            awaitOpenConnections(1);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "h2c"})
    void theNextCallAfterTheServerRestartedConnectsAgain(String mode) {
        assertTimeoutPreemptively(LIMIT, () -> {
            start(mode);
            try (Response before = client.send(Request.get(peer.url("/stream")))) {
                assertTrue(before.text().startsWith("stream 1 "));
            }
            node.restart();
            try (Response after = client.send(Request.get(peer.url("/stream")))) {
                assertTrue(after.text().startsWith("stream 1 "), "a new connection: " + after.text());
                assertFalse(after.timing().connectionReused());
            }
            try (Response upload = client.send(Request.builder(peer.url("/echo")).method("POST").body("again")
                    .build())) {
                assertEquals("again", upload.text());
            }
            assertEquals(1, client.openConnections());
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "h2c"})
    void aCanceledCallEndsItsStreamOnlyAndTheOthersGoOn(String mode) {
        assertTimeoutPreemptively(LIMIT, () -> {
            start(mode);
            List<CompletableFuture<Response>> others = sendAll(4, "/slow?ms=500");
            Call canceled = client.call(Request.get(peer.url("/slow?ms=500")));
            CompletableFuture<Response> pending = canceled.executeAsync();
            List<CompletableFuture<Response>> more = sendAll(1, "/trailers");
            Thread.sleep(100); // the call's stream is open, its answer 400 ms away
            canceled.cancel();
            ExecutionException failure = assertThrows(ExecutionException.class,
                    () -> pending.get(10, TimeUnit.SECONDS));
            assertInstanceOf(CallCanceledException.class, failure.getCause());
            assertAnswered("slow 500", others);
            assertAnswered("part one, part two", more);
            try (Response after = client.send(Request.get(peer.url("/index.html")))) {
                assertEquals("hello peer\n", after.text());
                assertTrue(after.timing().connectionReused());
            }
            assertEquals(1, client.openConnections());
        });
    }

    /** A connection the server retired closes once its last stream is released, on the call's thread. */
    private void awaitOpenConnections(int count) throws InterruptedException {
        for (int i = 0; i < 100 && client.openConnections() != count; i++) {
            Thread.sleep(20); // nothing to wait on from outside the pool
        }
        assertEquals(count, client.openConnections());
    }
}
