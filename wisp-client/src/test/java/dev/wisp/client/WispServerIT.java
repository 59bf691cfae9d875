package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.core.Headers;
import dev.wisp.core.Method;
import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.server.ServerRequest;
import dev.wisp.server.ServerResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client against Wisp's own server: methods, bodies every way, keep-alive, trailers, decoding, streaming. */
class WispServerIT {
    private static final Duration LIMIT = Duration.ofSeconds(20);
    private static final int LARGE_BYTES = 1 << 20;

    private final CountDownLatch slowBodyGate = new CountDownLatch(1);
    private Server server;
    private Client client;

    @BeforeEach
    void start() {
        Router router = Router.builder()
                .get("/hello", (request, response) -> response.send("hello\n"))
                .get("/large", (request, response) -> response.send(new byte[LARGE_BYTES]))
                .get("/chunked", (request, response) -> {
                    try (OutputStream out = response.outputStream()) { // one write at the end: head, chunk, last chunk
                        out.write("hello chunked\n".getBytes(StandardCharsets.US_ASCII));
                    }
                })
                .route(Method.of("PURGE"), "/echo", WispServerIT::echo)
                .any("/echo", WispServerIT::echo)
                .get("/trailers", (request, response) -> {
                    response.trailer("X-Checksum", "abc");
                    try (OutputStream out = response.outputStream()) {
                        out.write("part one, ".getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        out.write("part two".getBytes(StandardCharsets.US_ASCII));
                    }
                })
                .get("/latin1", (request, response) -> {
                    response.header("Content-Type", "text/plain; charset=ISO-8859-1");
                    response.send("caf\u00e9".getBytes(StandardCharsets.ISO_8859_1));
                })
                .get("/gzip", (request, response) -> {
                    response.header("Content-Encoding", "gzip");
                    response.send(gzip("compressed hello ".repeat(100)));
                })
                .get("/deflate", (request, response) -> {
                    response.header("Content-Encoding", "deflate");
                    response.send(deflate("deflated hello ".repeat(100)));
                })
                .get("/slow", (request, response) -> {
                    try (OutputStream out = response.outputStream()) {
                        out.write("first ".getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        slowBodyGate.await(10, TimeUnit.SECONDS);
                        out.write("second".getBytes(StandardCharsets.US_ASCII));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                })
                .build();
        server = Server.create(ServerConfig.builder().port(0).build(), router).start();
        client = Client.create(ClientConfig.defaults());
    }

    @AfterEach
    void stop() {
        slowBodyGate.countDown();
        client.close();
        server.close();
    }

    private static void echo(ServerRequest request, ServerResponse response) throws java.io.IOException {
        response.header("X-Method", request.method().name());
        response.header("X-Seen", request.headers().firstOrNull("X-Test") + "");
        response.header("X-Framing", request.headers().contains("Transfer-Encoding") ? "chunked"
                : "length " + request.headers().firstOrNull("Content-Length"));
        response.send(request.bodyBytes());
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.port() + path;
    }

    @Test
    void getsTextAndReusesTheConnection() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Response first = client.send(Request.get(url("/hello")))) {
                assertEquals(200, first.statusCode());
                assertEquals("hello\n", first.text());
                assertFalse(first.timing().connectionReused());
            }
            Response second = client.send(Request.get(url("/hello")));
            assertEquals("hello\n", second.text());
            assertTrue(second.timing().connectionReused());
            assertEquals(1, client.openConnections());
            assertEquals(1, client.idleConnections());
        });
    }

    @Test
    void sendsEveryMethodWithHeadersAndBodiesOfEveryKind(@TempDir Path directory) {
        assertTimeoutPreemptively(LIMIT, () -> {
            Path file = Files.write(directory.resolve("body.bin"), randomBytes(100_000));
            Response put = client.send(Request.builder(url("/echo")).method("PUT").header("X-Test", "yes")
                    .body(file).build());
            assertEquals("PUT", put.headers().firstOrNull("X-Method"));
            assertEquals("yes", put.headers().firstOrNull("X-Seen"));
            assertEquals("length 100000", put.headers().firstOrNull("X-Framing"));
            assertArrayEquals(Files.readAllBytes(file), put.bytes());

            Response custom = client.send(Request.builder(url("/echo")).method("PURGE").body("text").build());
            assertEquals("PURGE", custom.headers().firstOrNull("X-Method"));
            assertEquals("text", custom.text());

            byte[] streamed = randomBytes(70_000);
            Response chunked = client.send(Request.builder(url("/echo")).method("POST")
                    .body(new ByteArrayInputStream(streamed), -1).build());
            assertEquals("chunked", chunked.headers().firstOrNull("X-Framing"));
            assertArrayEquals(streamed, chunked.bytes());

            Response empty = client.send(Request.builder(url("/echo")).method("POST").build());
            assertEquals("length 0", empty.headers().firstOrNull("X-Framing"));
            assertEquals(0, empty.bytes().length);
            assertEquals(1, client.openConnections());
        });
    }

    @Test
    void streamsARequestBodyPieceByPieceThenReadsTheResponse() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (StreamingRequest upload = client.open(Request.builder(url("/echo")).method("POST").build(), -1)) {
                upload.body().write("piece one, ".getBytes(StandardCharsets.US_ASCII));
                upload.body().flush();
                upload.body().write("piece two".getBytes(StandardCharsets.US_ASCII));
                try (Response response = upload.response()) {
                    assertEquals("chunked", response.headers().firstOrNull("X-Framing"));
                    assertEquals("piece one, piece two", response.text());
                }
            }
            try (StreamingRequest upload = client.open(Request.builder(url("/echo")).method("PUT").build(), 5)) {
                upload.body().write("12345".getBytes(StandardCharsets.US_ASCII));
                assertEquals("12345", upload.response().text());
            }
            assertEquals(1, client.openConnections());
        });
    }

    @Test
    void readsTheBodyAsItArrivesAndTrailersAtItsEnd() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Response slow = client.send(Request.get(url("/slow")))) {
                InputStream body = slow.body();
                byte[] first = new byte[6];
                assertEquals(6, body.readNBytes(first, 0, 6));
                assertEquals("first ", new String(first, StandardCharsets.US_ASCII));
                slowBodyGate.countDown();
                assertEquals("second", new String(body.readAllBytes(), StandardCharsets.US_ASCII));
            }
            Response trailers = client.send(Request.get(url("/trailers")));
            assertEquals(Headers.empty(), trailers.trailers());
            assertEquals("part one, part two", trailers.text());
            assertEquals(Headers.of("X-Checksum", "abc"), trailers.trailers());
        });
    }

    @Test
    void decodesGzipAndDeflateWhenAskedAndTakesTheCharsetFromContentType() {
        assertTimeoutPreemptively(LIMIT, () -> {
            Response gzip = client.send(Request.builder(url("/gzip")).decompress(true).build());
            assertEquals("compressed hello ".repeat(100), gzip.text());
            assertFalse(gzip.headers().contains("Content-Encoding"));
            Response deflate = client.send(Request.builder(url("/deflate")).decompress(true).build());
            assertEquals("deflated hello ".repeat(100), deflate.text());
            Response raw = client.send(Request.get(url("/gzip")));
            assertEquals("gzip", raw.headers().firstOrNull("Content-Encoding"));
            assertArrayEquals(gzip("compressed hello ".repeat(100)), raw.bytes());
            assertEquals("caf\u00e9", client.send(Request.get(url("/latin1"))).text());
            assertEquals(1, client.openConnections());
        });
    }

    @Test
    void closesTheConnectionAfterANonPersistentRequestAndAnAbandonedBody() {
        assertTimeoutPreemptively(LIMIT, () -> {
            client.send(Request.builder(url("/hello")).persistent(false).build()).text();
            assertEquals(0, client.openConnections());
            Response abandoned = client.send(Request.get(url("/slow")));
            assertEquals(1, client.openConnections());
            abandoned.close();
            assertEquals(0, client.openConnections());
        });
    }

    @Test
    void keepsTheConnectionOfABodyLeftUnreadWhenTheRestIsAtHandAndClosesItOtherwise() {
        assertTimeoutPreemptively(LIMIT, () -> {
            for (int i = 0; i < 6; i++) { // a health check: the status alone
                try (Response checked = client.send(Request.get(url(i % 2 == 0 ? "/hello" : "/chunked")))) {
                    assertEquals(200, checked.statusCode());
                    assertEquals(i % 2 == 0 ? null : "chunked", checked.headers().firstOrNull("Transfer-Encoding"));
                    assertEquals(i > 0, checked.timing().connectionReused());
                }
                assertEquals(1, client.openConnections());
                assertEquals(1, client.idleConnections());
            }
            try (Response large = client.send(Request.get(url("/large")))) {
                assertEquals(String.valueOf(LARGE_BYTES), large.headers().firstOrNull("Content-Length"));
            }
            assertEquals(0, client.openConnections(), "a megabyte left unread is not read to keep the connection");
        });
    }

    @Test
    void sendsTheBodyAfter100ContinueAndHeadWithoutBody() {
        assertTimeoutPreemptively(LIMIT, () -> {
            Response echoed = client.send(Request.builder(url("/echo")).method("POST").expectContinue(true)
                    .body("after continue").build());
            assertEquals("after continue", echoed.text());
            Response head = client.send(Request.builder(url("/hello")).method("HEAD").build());
            assertEquals("6", head.headers().firstOrNull("Content-Length"));
            assertEquals(0, head.bytes().length);
            assertEquals(1, client.idleConnections());
        });
    }

    @Test
    void sendsAsynchronouslyWithAFutureAndACallback() {
        assertTimeoutPreemptively(LIMIT, () -> {
            assertEquals("hello\n", client.sendAsync(Request.get(url("/hello"))).get().text());
            CountDownLatch done = new CountDownLatch(1);
            StringBuilder seen = new StringBuilder();
            client.sendAsync(Request.get(url("/hello")), new Callback() {
                @Override
                public void onResponse(Response response) throws java.io.IOException {
                    seen.append(response.text());
                    done.countDown();
                }

                @Override
                public void onFailure(java.io.IOException failure) {
                    seen.append(failure);
                    done.countDown();
                }
            });
            assertTrue(done.await(10, TimeUnit.SECONDS));
            assertEquals("hello\n", seen.toString());
        });
    }

    @Test
    void runsAnExplicitConnectionAndReconnectsIt() {
        assertTimeoutPreemptively(LIMIT, () -> {
            Origin origin = Origin.plaintext("127.0.0.1", server.port());
            try (ClientConnection connection = ClientConnection.connect(origin, ClientConfig.defaults())) {
                assertEquals("hello\n", connection.send(Request.get(url("/hello"))).text());
                assertEquals("hello\n", connection.sendAsync(Request.get(url("/hello"))).get().text());
                connection.disconnect();
                ConnectionClosedException closed = org.junit.jupiter.api.Assertions.assertThrows(
                        ConnectionClosedException.class, () -> connection.send(Request.get(url("/hello"))));
                assertTrue(closed.getMessage().contains("disconnected"), closed.getMessage());
                connection.reconnect();
                assertEquals("hello\n", connection.send(Request.get(url("/hello"))).text());
            }
        });
    }

    static byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    static byte[] gzip(String text) throws java.io.IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
            zip.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    static byte[] deflate(String text) throws java.io.IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DeflaterOutputStream zip = new DeflaterOutputStream(out)) {
            zip.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }
}
