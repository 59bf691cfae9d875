package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.core.Version;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The client's HTTP/2 against servers written elsewhere: nghttpd, h2o, nginx, node's {@code http2} and Jetty, each
 * over TLS with ALPN h2 and in plaintext by prior knowledge (h2c). Large bodies both ways, which need flow control
 * (the servers' windows are 64 KiB, ours 1 MiB a stream, 4 MiB the connection), HEAD, many calls at once on one
 * connection, a response closed in the middle of its body, trailers, gzip; and with nginx, its GOAWAY after
 * {@code keepalive_requests}, and its 413 before an upload ended. node's peer plays the harder cases in
 * {@link Http2NodeIT}.
 */
// beside the other classes, its cases too: they mostly wait, on servers in processes of their own
@Execution(ExecutionMode.CONCURRENT)
class Http2PeersIT {
    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static final byte[] LARGE = Http2Peer.large(Http2Peer.LARGE_BYTES);

    @TempDir
    Path directory;
    private Http2Peer peer;
    private Client client;

    static Stream<Arguments> peers() {
        return Stream.of("nghttpd", "h2o", "nginx", "node", "jetty")
                .flatMap(name -> Stream.of(Arguments.of(name, "h2"), Arguments.of(name, "h2c")));
    }

    static Stream<Arguments> compressingPeers() {
        return peers().filter(arguments -> List.of("h2o", "nginx", "node").contains(arguments.get()[0]));
    }

    private void start(String name, String mode) throws Exception {
        boolean tls = mode.equals("h2");
        peer = switch (name) {
            case "nghttpd" -> Http2ServerPrograms.nghttpd(directory, tls);
            case "h2o" -> Http2ServerPrograms.h2o(directory, tls);
            case "nginx" -> Http2ServerPrograms.nginx(directory, tls);
            case "node" -> NodeHttp2Peer.start(directory, tls).peer();
            case "jetty" -> JettyHttp2Peer.start(tls);
            default -> throw new IllegalArgumentException(name);
        };
        client = Client.create(peer.clientConfig(ClientConfig.builder()).build());
    }

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        if (peer != null) {
            peer.close();
        }
    }

    private void assertHttp2(Response response) {
        assertEquals(Version.HTTP_2, response.version(), peer + ": " + response);
        if (peer.isTls()) {
            assertEquals("h2", response.tlsSession().orElseThrow().alpnProtocol().orElseThrow());
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("peers")
    void getsAndHeadsALargeBodyOnOneConnection(String name, String mode) {
        assertTimeoutPreemptively(LIMIT, () -> {
            start(name, mode);
            try (Response small = client.send(Request.get(peer.url("/index.html")))) {
                assertHttp2(small);
                assertEquals(200, small.statusCode());
                assertEquals("hello peer\n", small.text());
            }
            try (Response large = client.send(Request.get(peer.url("/large.bin")))) {
                assertHttp2(large);
                assertArrayEquals(LARGE, large.bytes());
                if (name.equals("nghttpd")) {
                    assertEquals("nghttpd", large.trailers().firstOrNull("x-peer"), "its --trailer");
                }
            }
            try (Response head = client.send(Request.builder(peer.url("/large.bin")).method("HEAD").build())) {
                assertHttp2(head);
                assertEquals(Integer.toString(Http2Peer.LARGE_BYTES), head.headers().firstOrNull("Content-Length"));
                assertEquals(0, head.bytes().length);
            }
            assertEquals(1, client.openConnections());
        });
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("peers")
    void uploadsAndDownloadsBodiesLargerThanEveryWindow(String name, String mode) {
        assertTimeoutPreemptively(LIMIT, () -> {
            start(name, mode);
            byte[] body = Http2Peer.large(5_000_000);
            assertArrayEquals(body, peer.upload(client, "first.bin", body));
            byte[] second = Http2Peer.large(1_234_567);
            assertArrayEquals(second, peer.upload(client, "second.bin", second));
            assertEquals(1, client.openConnections());
        });
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("peers")
    void multiplexesManyCallsAtOnceOnOneConnection(String name, String mode) {
        assertTimeoutPreemptively(LIMIT, () -> {
            start(name, mode);
            List<CompletableFuture<Response>> calls = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                calls.add(client.sendAsync(Request.get(peer.url(i % 8 == 0 ? "/large.bin" : "/index.html"))));
            }
            for (int i = 0; i < calls.size(); i++) {
                try (Response response = calls.get(i).get(30, TimeUnit.SECONDS)) {
                    assertHttp2(response);
                    if (i % 8 == 0) {
                        assertArrayEquals(LARGE, response.bytes());
                    } else {
                        assertEquals("hello peer\n", response.text());
                    }
                }
            }
            assertEquals(1, client.openConnections(), "every call on one connection");
        });
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("peers")
    void closingAResponseInTheMiddleOfItsBodyLeavesTheOthersRunning(String name, String mode) {
        assertTimeoutPreemptively(LIMIT, () -> {
            start(name, mode);
            List<CompletableFuture<Response>> calls = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                calls.add(client.sendAsync(Request.get(peer.url("/large.bin"))));
            }
            try (Response abandoned = calls.get(1).get(20, TimeUnit.SECONDS)) {
                assertEquals(100_000, abandoned.body().readNBytes(100_000).length);
            } // reset (CANCEL) with most of its body still to come
            for (int i : new int[] {0, 2}) {
                try (Response response = calls.get(i).get(20, TimeUnit.SECONDS)) {
                    assertArrayEquals(LARGE, response.bytes());
                }
            }
            try (Response after = client.send(Request.get(peer.url("/large.bin")))) {
                assertArrayEquals(LARGE, after.bytes());
                assertTrue(after.timing().connectionReused());
            }
            assertEquals(1, client.openConnections());
        });
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("compressingPeers")
    void decodesAGzipEncodedResponse(String name, String mode) {
        assertTimeoutPreemptively(LIMIT, () -> {
            start(name, mode);
            try (Response raw = client.send(Request.builder(peer.url("/text.txt"))
                    .header("Accept-Encoding", "gzip").build())) {
                assertHttp2(raw);
                assertEquals("gzip", raw.headers().firstOrNull("Content-Encoding"), "the server compresses");
                assertNotEquals(Http2Peer.TEXT.length(), raw.bytes().length);
            }
            try (Response decoded = client.send(Request.builder(peer.url("/text.txt")).decompress(true).build())) {
                assertHttp2(decoded);
                assertEquals(Http2Peer.TEXT, decoded.text());
                assertFalse(decoded.headers().contains("Content-Encoding"));
            }
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "h2c"})
    void callsPastNginxsRequestsPerConnectionGoOnANewConnection(String mode) {
        assertTimeoutPreemptively(LIMIT, () -> {
            // After 5 requests nginx sends GOAWAY naming the last stream it serves, and takes no stream more.
            peer = Http2ServerPrograms.nginx(directory, mode.equals("h2"), "keepalive_requests 5;");
            client = Client.create(peer.clientConfig(ClientConfig.builder()).build());
            int connections = 0;
            for (int i = 0; i < 12; i++) {
                try (Response response = client.send(Request.get(peer.url("/index.html")))) {
                    assertHttp2(response);
                    assertEquals("hello peer\n", response.text());
                    connections += response.timing().connectionReused() ? 0 : 1;
                }
            }
            assertEquals(3, connections, "five calls a connection");
            List<CompletableFuture<Response>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                calls.add(client.sendAsync(Request.get(peer.url("/index.html"))));
            }
            for (CompletableFuture<Response> call : calls) {
                try (Response response = call.get(20, TimeUnit.SECONDS)) {
                    assertEquals("hello peer\n", response.text());
                }
            }
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "h2c"})
    void manyCallersPastNginxsRequestsPerConnectionAllGetTheirAnswers(String mode) {
        assertTimeoutPreemptively(LIMIT, () -> {
            // 32 callers against connections that serve 20 requests each: every GOAWAY leaves calls unprocessed,
            // which go again, ahead of the newer calls, until a connection serves them.
            peer = Http2ServerPrograms.nginx(directory, mode.equals("h2"), "keepalive_requests 20;");
            client = Client.create(peer.clientConfig(ClientConfig.builder()).build());
            List<CompletableFuture<Integer>> callers = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                callers.add(CompletableFuture.supplyAsync(() -> {
                    int answered = 0;
                    for (int j = 0; j < 12; j++) {
                        try (Response response = client.send(Request.get(peer.url("/index.html")))) {
                            answered += response.text().equals("hello peer\n") ? 1 : 0;
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }
                    return answered;
                }, Executors.newVirtualThreadPerTaskExecutor()));
            }
            for (CompletableFuture<Integer> caller : callers) {
                assertEquals(12, caller.get(40, TimeUnit.SECONDS));
            }
        });
    }

    /**
     * 128 calls at once against connections that serve 5 requests each: the last calls in line meet some 25
     * GOAWAYs before their turn. A refusal by a connection that served streams does not count against the
     * retries, which ran out after 10 (40 of the 128 calls failed), where the JDK's client served them all.
     */
    @ParameterizedTest
    @ValueSource(strings = {"h2", "h2c"})
    void aBurstFarPastNginxsRequestsPerConnectionIsServedWhole(String mode) {
        assertTimeoutPreemptively(LIMIT, () -> {
            peer = Http2ServerPrograms.nginx(directory, mode.equals("h2"), "keepalive_requests 5;");
            client = Client.create(peer.clientConfig(ClientConfig.builder()).build());
            List<CompletableFuture<Response>> calls = new ArrayList<>();
            for (int i = 0; i < 128; i++) {
                calls.add(client.sendAsync(Request.get(peer.url("/index.html"))));
            }
            for (CompletableFuture<Response> call : calls) {
                try (Response response = call.get(40, TimeUnit.SECONDS)) {
                    assertEquals("hello peer\n", response.text());
                }
            }
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "h2c"})
    void anAnswerBeforeTheUploadEndedIsTheResponse(String mode) {
        assertTimeoutPreemptively(LIMIT, () -> {
            // nginx answers 413 as soon as it sees the Content-Length, then resets the stream (RFC 9113 §8.1).
            peer = Http2ServerPrograms.nginx(directory, mode.equals("h2"),
                    "location /small/ { client_max_body_size 1k; dav_methods PUT; }");
            client = Client.create(peer.clientConfig(ClientConfig.builder()).build());
            try (Response refused = client.send(Request.builder(peer.url("/small/x.bin")).method("PUT")
                    .body(Http2Peer.large(3_000_000)).build())) {
                assertEquals(413, refused.statusCode());
            }
            try (Response after = client.send(Request.get(peer.url("/index.html")))) {
                assertEquals("hello peer\n", after.text());
            }
            assertEquals(1, client.openConnections());
        });
    }
}
