package dev.wisp.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.wisp.core.Version;
import dev.wisp.testing.TestTransport;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * HTTP/2 with the JDK's {@link HttpClient} as the client: over TLS (h2 by ALPN) a hundred concurrent requests on one
 * connection, bodies of several MiB both ways and a response read while it is still being written; in plaintext,
 * where the JDK asks for the deprecated {@code Upgrade: h2c}, plain HTTP/1.1 answers.
 */
class Http2JdkClientIT {
    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(20);

    @BeforeAll
    static void chooseTheirOwnTransports() {
        assumeFalse(TestTransport.isTls(), "these tests choose TLS or plaintext per server themselves");
    }

    private static HttpClient client(boolean tls) throws Exception {
        HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
                .connectTimeout(REQUEST_TIMEOUT);
        if (tls) {
            builder.sslContext(TestTls.trustingClientContext());
        }
        return builder.build();
    }

    private static HttpRequest.Builder request(InteropServer server, String path) {
        return HttpRequest.newBuilder(URI.create(server.url(path))).timeout(REQUEST_TIMEOUT);
    }

    @Test
    void multiplexesAHundredConcurrentRequestsOnOneTlsConnection() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (InteropServer server = InteropServer.start(true); HttpClient client = client(true)) {
                // One request first, so that the hundred find the connection made and negotiated.
                assertEquals("hello over HTTP/2 on HTTP/2\n",
                        client.send(request(server, "/hello").build(), BodyHandlers.ofString()).body());
                List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    responses.add(client.sendAsync(request(server, "/hello?i=" + i).build(), BodyHandlers.ofString()));
                }
                for (CompletableFuture<HttpResponse<String>> future : responses) {
                    HttpResponse<String> response = future.get(30, TimeUnit.SECONDS);
                    assertEquals(200, response.statusCode());
                    assertEquals(HttpClient.Version.HTTP_2, response.version());
                    assertEquals("hello over HTTP/2 on HTTP/2\n", response.body());
                }
                server.assertAllHttp2(101);
                assertEquals(1, server.connectionIds().size(), () -> "connections: " + server.connectionIds());
                assertEquals(1, server.connectionsOpened());
            }
        });
    }

    @Test
    void exchangesBodiesOfSeveralMebibytesBothWays() {
        byte[] upload = new byte[4 * 1024 * 1024 + 3];
        new Random(11).nextBytes(upload);
        assertTimeoutPreemptively(LIMIT, () -> {
            try (InteropServer server = InteropServer.start(true); HttpClient client = client(true)) {
                HttpResponse<byte[]> echoed = client.send(request(server, "/echo")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(upload)).build(), BodyHandlers.ofByteArray());
                assertEquals(200, echoed.statusCode());
                assertEquals(HttpClient.Version.HTTP_2, echoed.version());
                assertArrayEquals(upload, echoed.body(), "the echo came back whole");

                HttpResponse<String> digest = client.send(request(server, "/digest")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(upload)).build(), BodyHandlers.ofString());
                assertEquals(upload.length + " " + InteropServer.sha256Hex(upload) + "\n", digest.body());

                HttpResponse<byte[]> large = client.send(request(server, "/large").build(),
                        BodyHandlers.ofByteArray());
                assertArrayEquals(InteropServer.LARGE, large.body(), "the download came whole");
                server.assertAllHttp2(3);
            }
        });
    }

    @Test
    void readsAResponseWhileTheHandlerIsStillWritingIt() {
        CountDownLatch firstLineRead = new CountDownLatch(1);
        Router.Builder routes = Router.builder().get("/stepwise", InteropServer.pausingUntil(firstLineRead));
        assertTimeoutPreemptively(LIMIT, () -> {
            try (InteropServer server = InteropServer.start(true, routes); HttpClient client = client(true)) {
                HttpResponse<InputStream> response = client.send(request(server, "/stepwise").build(),
                        BodyHandlers.ofInputStream());
                assertEquals(HttpClient.Version.HTTP_2, response.version());
                try (var lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                    assertEquals("first", lines.readLine());
                    firstLineRead.countDown();
                    assertEquals("second", lines.readLine());
                    assertEquals(null, lines.readLine());
                }
                HttpResponse<java.util.stream.Stream<String>> streamed = client.send(request(server, "/streamed")
                        .build(), BodyHandlers.ofLines());
                List<String> all = streamed.body().toList();
                assertEquals(100, all.size());
                assertEquals("line 99", all.get(99));
                server.assertAllHttp2(2);
            }
        });
    }

    @Test
    void answersWithHttp11WhenThePlaintextClientAsksForAnH2cUpgrade() {
        Router.Builder routes = Router.builder().get("/upgrade", (request, response) -> response.send(
                "upgrade=" + request.headers().firstOrNull("Upgrade") + " settings="
                        + request.headers().contains("HTTP2-Settings") + "\n"));
        assertTimeoutPreemptively(LIMIT, () -> {
            try (InteropServer server = InteropServer.start(false, routes); HttpClient client = client(false)) {
                HttpResponse<String> upgrade = client.send(request(server, "/upgrade").build(),
                        BodyHandlers.ofString());
                assertEquals(200, upgrade.statusCode());
                assertEquals(HttpClient.Version.HTTP_1_1, upgrade.version());
                assertEquals("upgrade=h2c settings=true\n", upgrade.body(), "the JDK asked for h2c and got HTTP/1.1");

                HttpResponse<String> hello = client.send(request(server, "/hello").build(), BodyHandlers.ofString());
                assertEquals("hello over HTTP/1.1 on HTTP/1.1\n", hello.body());
                byte[] upload = "a body after the refused upgrade".getBytes(StandardCharsets.US_ASCII);
                HttpResponse<byte[]> echoed = client.send(request(server, "/echo")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(upload)).build(), BodyHandlers.ofByteArray());
                assertArrayEquals(upload, echoed.body());
                assertEquals(HttpClient.Version.HTTP_1_1, echoed.version());
                List<InteropServer.Seen> seen = server.seen();
                assertEquals(3, seen.size());
                assertTrue(seen.stream().allMatch(request -> request.protocol() == Version.HTTP_1_1
                        && request.connectionProtocol() == ConnectionProtocol.HTTP_1_1), () -> "seen: " + seen);
            }
        });
    }
}
