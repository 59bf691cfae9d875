package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.core.Version;
import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.server.ServerRequest;
import dev.wisp.server.ServerResponse;
import dev.wisp.server.files.FileHandler;
import dev.wisp.testing.TestCertificate;
import dev.wisp.testing.TestCertificate.KeyType;
import dev.wisp.testing.TestCertificates;
import dev.wisp.tls.TlsConfig;
import dev.wisp.tls.TlsIdentity;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The client over HTTP/2 against Wisp's own server: h2 chosen by ALPN over TLS, and h2c by prior knowledge in
 * plaintext. Bodies every way, trailers, interim responses, many calls sharing one connection, the server's stream
 * limit, cancels and timeouts that end one stream only, a video player's seeks in a large file.
 */
class Http2WispServerIT {
    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final int VIDEO_BYTES = 16 << 20;
    private static final TestCertificate CA = TestCertificates.ca(KeyType.EC);
    private static final TestCertificate CERTIFICATE = TestCertificates.server(CA, KeyType.EC);

    private final CountDownLatch gate = new CountDownLatch(1);
    /** How many requests wait at the gate. */
    private final Semaphore atGate = new Semaphore(0);
    @TempDir
    private Path folder;
    private Server server;
    private Client client;
    private boolean tls;

    private void start(String mode, ServerConfig.Builder serverConfig, ClientConfig.Builder clientConfig) {
        tls = mode.equals("h2");
        Router router = Router.builder()
                .get("/hello", (request, response) -> response.send("hello " + request.head().version() + "\n"))
                .any("/echo", Http2WispServerIT::echo)
                .get("/trailers", (request, response) -> {
                    response.trailer("X-Checksum", "abc");
                    try (OutputStream out = response.outputStream()) {
                        out.write("part one, ".getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        out.write("part two".getBytes(StandardCharsets.US_ASCII));
                    }
                })
                .get("/large", (request, response) -> response.send(bytes(3_000_000, 7)))
                .get("/files/*", FileHandler.of(folder))
                .get("/medium", (request, response) -> response.send(bytes(500_000, 8)))
                .get("/gate", (request, response) -> {
                    atGate.release();
                    try {
                        gate.await(20, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    response.send("opened");
                })
                .build();
        serverConfig.port(0).http2(true);
        if (tls) {
            serverConfig.tls(TlsConfig.builder()
                    .identity(TlsIdentity.pem(CERTIFICATE.chainPem(), CERTIFICATE.keys().pkcs8Pem())).build());
            clientConfig.tls(TlsConfig.builder().trustedCertificatesPem(CA.certificatePem()).build());
        } else {
            clientConfig.http2(Http2Mode.PRIOR_KNOWLEDGE);
        }
        server = Server.create(serverConfig.build(), router).start();
        client = Client.create(clientConfig.build());
    }

    private void start(String mode) {
        start(mode, ServerConfig.builder(), ClientConfig.builder());
    }

    @AfterEach
    void stop() {
        gate.countDown();
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static void echo(ServerRequest request, ServerResponse response) throws IOException {
        response.header("X-Method", request.method().name());
        response.header("X-Length", request.headers().firstOrNull("Content-Length") + "");
        response.send(request.bodyBytes());
    }

    private String url(String path) {
        return (tls ? "https://localhost:" : "http://127.0.0.1:") + server.port() + path;
    }

    private static byte[] bytes(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /**
     * A video player's seeks: it asks for the whole file from its start, reads a little and drops the rest (the
     * stream is reset under a response still going out), then asks for ranges further on, on the same connection.
     */
    @ParameterizedTest
    @ValueSource(strings = {"h2", "h2c"})
    void servesRangesOfALargeFileAsAVideoPlayerSeeks(String mode) {
        assertTimeoutPreemptively(LIMIT, () -> {
            byte[] video = bytes(VIDEO_BYTES, 9);
            Files.write(folder.resolve("video.mp4"), video);
            AtomicInteger connects = new AtomicInteger();
            start(mode, ServerConfig.builder(), ClientConfig.builder().eventListener(new EventListener() {
                @Override
                public void connected(ConnectionInfo connection, InetSocketAddress remote) {
                    connects.incrementAndGet();
                }
            }));
            try (Response whole = client.send(ranged("bytes=0-"))) {
                assertEquals(206, whole.statusCode());
                assertEquals("bytes 0-" + (VIDEO_BYTES - 1) + "/" + VIDEO_BYTES,
                        whole.headers().firstOrNull("Content-Range"));
                assertEquals(Version.HTTP_2, whole.version());
                assertArrayEquals(Arrays.copyOf(video, 65_536), whole.body().readNBytes(65_536));
            }
            for (int seek : new int[] {VIDEO_BYTES / 2 + 12_345, VIDEO_BYTES / 5, VIDEO_BYTES - 100_000}) {
                try (Response part = client.send(ranged("bytes=" + seek + "-"))) {
                    assertEquals(206, part.statusCode());
                    assertEquals("bytes " + seek + "-" + (VIDEO_BYTES - 1) + "/" + VIDEO_BYTES,
                            part.headers().firstOrNull("Content-Range"));
                    assertArrayEquals(Arrays.copyOfRange(video, seek, seek + 100_000), part.body().readNBytes(100_000));
                }
            }
            try (Response tail = client.send(ranged("bytes=-1000"))) {
                assertArrayEquals(Arrays.copyOfRange(video, VIDEO_BYTES - 1000, VIDEO_BYTES), tail.bytes());
            }
            assertEquals(1, connects.get(), "the resets ended streams, not the connection");
        });
    }

    private Request ranged(String range) {
        return Request.builder(url("/files/video.mp4")).header("Range", range).build();
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "h2c"})
    void getsOverHttp2AndReusesTheConnection(String mode) {
        assertTimeoutPreemptively(LIMIT, () -> {
            start(mode);
            try (Response first = client.send(Request.get(url("/hello")))) {
                assertEquals(Version.HTTP_2, first.version());
                assertEquals("hello HTTP/2\n", first.text());
                assertFalse(first.timing().connectionReused());
                if (tls) {
                    assertEquals("h2", first.tlsSession().orElseThrow().alpnProtocol().orElseThrow());
                }
            }
            try (Response second = client.send(Request.get(url("/hello")))) {
                assertEquals("hello HTTP/2\n", second.text());
                assertTrue(second.timing().connectionReused());
            }
            assertEquals(1, client.openConnections());
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "h2c"})
    void sendsBodiesOfEveryKindAndReadsLargeOnes(String mode) {
        assertTimeoutPreemptively(LIMIT, () -> {
            start(mode);
            byte[] body = bytes(200_000, 1);
            Response put = client.send(Request.builder(url("/echo")).method("PUT").body(body).build());
            assertEquals("PUT", put.headers().firstOrNull("X-Method"));
            assertEquals("200000", put.headers().firstOrNull("X-Length"));
            assertArrayEquals(body, put.bytes());

            byte[] streamed = bytes(70_000, 2);
            Response unknownLength = client.send(Request.builder(url("/echo")).method("POST")
                    .body(new ByteArrayInputStream(streamed), -1).build());
            assertEquals("null", unknownLength.headers().firstOrNull("X-Length"));
            assertArrayEquals(streamed, unknownLength.bytes());

            Response empty = client.send(Request.builder(url("/echo")).method("POST").build());
            assertEquals("0", empty.headers().firstOrNull("X-Length"));
            assertEquals("", empty.text());

            assertArrayEquals(bytes(3_000_000, 7), client.send(Request.get(url("/large"))).bytes());

            Response head = client.send(Request.builder(url("/large")).method("HEAD").build());
            assertEquals("3000000", head.headers().firstOrNull("Content-Length"));
            assertEquals(0, head.bytes().length);
            assertEquals(1, client.openConnections());
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "h2c"})
    void readsTrailersAndStreamsARequestBody(String mode) {
        assertTimeoutPreemptively(LIMIT, () -> {
            start(mode);
            try (Response response = client.send(Request.get(url("/trailers")))) {
                assertEquals("part one, part two", response.text());
                assertEquals("abc", response.trailers().firstOrNull("X-Checksum"));
            }
            try (StreamingRequest upload = client.open(Request.builder(url("/echo")).method("POST").build(), -1)) {
                upload.body().write("piece one, ".getBytes(StandardCharsets.US_ASCII));
                upload.body().flush();
                upload.body().write("piece two".getBytes(StandardCharsets.US_ASCII));
                assertEquals("piece one, piece two", upload.response().text());
            }
            Response continued = client.send(Request.builder(url("/echo")).method("POST").body("after continue")
                    .expectContinue(true).build());
            assertEquals("after continue", continued.text());
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "h2c"})
    void runsManyCallsAtOnceOnOneConnection(String mode) {
        assertTimeoutPreemptively(LIMIT, () -> {
            start(mode);
            List<CompletableFuture<Response>> calls = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                calls.add(client.sendAsync(Request.builder(url("/echo")).method("POST").body("call " + i).build()));
            }
            for (int i = 0; i < 50; i++) {
                assertEquals("call " + i, calls.get(i).get(20, TimeUnit.SECONDS).text());
            }
            assertEquals(1, client.openConnections());
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "h2c"})
    void waitsForAStreamWhenTheServerLimitIsReachedThenGoesOn(String mode) {
        assertTimeoutPreemptively(LIMIT, () -> {
            start(mode, ServerConfig.builder().maxConcurrentStreams(2),
                    ClientConfig.builder().maxConnectionsPerOrigin(1));
            CompletableFuture<Response> first = client.sendAsync(Request.get(url("/gate")));
            CompletableFuture<Response> second = client.sendAsync(Request.get(url("/gate")));
            // Both held at the gate first: calls sent at once race for the streams, and /hello could win one.
            assertTrue(atGate.tryAcquire(2, 10, TimeUnit.SECONDS), "two streams at the gate");
            CompletableFuture<Response> third = client.sendAsync(Request.get(url("/hello")));
            Thread.sleep(300);
            assertFalse(third.isDone(), "a third stream waits while the server allows two");
            gate.countDown();
            assertEquals("opened", first.get(10, TimeUnit.SECONDS).text());
            assertEquals("opened", second.get(10, TimeUnit.SECONDS).text());
            assertEquals("hello HTTP/2\n", third.get(10, TimeUnit.SECONDS).text());
            assertEquals(1, client.openConnections());
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "h2c"})
    void aReadTimeoutOrCancelEndsOneStreamAndTheConnectionGoesOn(String mode) {
        assertTimeoutPreemptively(LIMIT, () -> {
            start(mode, ServerConfig.builder(), ClientConfig.builder().readTimeout(Duration.ofMillis(300)));
            TimeoutExceededException timeout = assertThrows(TimeoutExceededException.class,
                    () -> client.send(Request.get(url("/gate"))));
            assertEquals(TimeoutExceededException.Timeout.READ, timeout.timeout());
            Call call = client.call(Request.get(url("/gate")));
            CompletableFuture<Response> pending = call.executeAsync();
            Thread.sleep(100);
            call.cancel();
            assertThrows(Exception.class, () -> pending.get(5, TimeUnit.SECONDS));
            try (Response after = client.send(Request.get(url("/hello")))) {
                assertEquals("hello HTTP/2\n", after.text());
                assertTrue(after.timing().connectionReused());
            }
            assertEquals(1, client.openConnections());
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "h2c"})
    void readsAResponseItReceivedWholeAfterTheServerEndedTheConnection(String mode) {
        assertTimeoutPreemptively(LIMIT, () -> {
            start(mode);
            for (int i = 0; i < 3; i++) { // credit owed to the connection, not yet due in a WINDOW_UPDATE
                assertArrayEquals(bytes(500_000, 8), client.send(Request.get(url("/medium"))).bytes());
            }
            try (Response first = client.send(Request.get(url("/medium")));
                    Response second = client.send(Request.get(url("/medium")))) {
                // Each body fits its stream's window: both are here when the server stops, sends GOAWAY and closes,
                // and reading them makes the connection's credit due.
                server.stop(Duration.ofSeconds(5));
                assertArrayEquals(bytes(500_000, 8), first.bytes());
                assertArrayEquals(bytes(500_000, 8), second.bytes());
            }
        });
    }

    @Test
    void closesAnIdleHttp2ConnectionToMakeRoomForAnotherOrigin() {
        assertTimeoutPreemptively(LIMIT, () -> {
            InetAddress loopback = InetAddress.getLoopbackAddress();
            start("h2c", ServerConfig.builder(), ClientConfig.builder().maxConnectionsPerOrigin(1).maxConnections(2)
                    .connectTimeout(Duration.ofSeconds(2)).resolver((host, port) -> List.of(loopback)));
            for (String host : List.of("one.test", "two.test", "three.test", "one.test")) {
                try (Response response = client.send(Request.get("http://" + host + ":" + server.port() + "/hello"))) {
                    assertEquals("hello HTTP/2\n", response.text(), host);
                }
                assertTrue(client.openConnections() <= 2, host + ": " + client.openConnections());
            }
        });
    }
}
