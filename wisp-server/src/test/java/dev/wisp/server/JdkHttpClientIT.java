package dev.wisp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The JDK's own HTTP client as a real peer over HTTP/1.1: connection reuse, bodies of unknown length (which it
 * sends chunked), {@code Expect: 100-continue}, streamed responses, HEAD, and a body over the limit.
 */
class JdkHttpClientIT {
    private static final ConnectionEvents EVENTS = new ConnectionEvents();
    private static Server server;
    private static HttpClient client;

    @BeforeAll
    static void start() {
        server = TestServers.start(TestServers.config()
                        .maxRequestBodyBytes(1024)
                        .connectionListener(EVENTS),
                Router.builder()
                        .get("/hello", (request, response) -> response.send("hello\n"))
                        .post("/echo", (request, response) -> response.send(request.bodyBytes()))
                        .get("/stream", (request, response) -> {
                            try (OutputStream out = response.outputStream()) {
                                for (int i = 0; i < 100; i++) {
                                    out.write(("line " + i + "\n").getBytes(StandardCharsets.US_ASCII));
                                    out.flush();
                                }
                            }
                        })
                        .build());
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        server.stop(Duration.ZERO);
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    @Test
    void reusesOneConnectionForSequentialRequests() {
        assertTimeoutPreemptively(TestServers.TEST_TIMEOUT, () -> {
            int before = EVENTS.opened().size();
            for (int i = 0; i < 5; i++) {
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri("/hello")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, response.statusCode());
                assertEquals("hello\n", response.body());
            }
            assertTrue(EVENTS.opened().size() - before <= 1, "connections opened: " + EVENTS.opened());
        });
    }

    @Test
    void echoesABodyOfUnknownLengthSentChunked() {
        assertTimeoutPreemptively(TestServers.TEST_TIMEOUT, () -> {
            byte[] body = "x".repeat(1000).getBytes(StandardCharsets.US_ASCII);
            HttpRequest request = HttpRequest.newBuilder(uri("/echo"))
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
                    .build();
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            assertEquals(1000, response.body().length());
        });
    }

    @Test
    void answersExpectContinueAndThenTheRequest() {
        assertTimeoutPreemptively(TestServers.TEST_TIMEOUT, () -> {
            HttpRequest request = HttpRequest.newBuilder(uri("/echo"))
                    .expectContinue(true)
                    .POST(HttpRequest.BodyPublishers.ofString("continued"))
                    .build();
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            assertEquals("continued", response.body());
        });
    }

    @Test
    void readsAStreamedResponse() {
        assertTimeoutPreemptively(TestServers.TEST_TIMEOUT, () -> {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri("/stream")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            assertEquals("chunked", response.headers().firstValue("transfer-encoding").orElse(""));
            assertEquals(100, response.body().lines().count());
            assertTrue(response.body().endsWith("line 99\n"), response.body());
        });
    }

    @Test
    void headGetsTheLengthWithoutTheBody() {
        assertTimeoutPreemptively(TestServers.TEST_TIMEOUT, () -> {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri("/hello"))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            assertEquals("6", response.headers().firstValue("content-length").orElse(""));
            assertEquals("", response.body());
        });
    }

    @Test
    void refusesABodyOverTheLimitWith413() {
        assertTimeoutPreemptively(TestServers.TEST_TIMEOUT, () -> {
            HttpRequest request = HttpRequest.newBuilder(uri("/echo"))
                    .POST(HttpRequest.BodyPublishers.ofString("y".repeat(2000)))
                    .build();
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            assertEquals(413, response.statusCode());
            assertTrue(response.body().contains("maxRequestBodyBytes"), response.body());
        });
    }
}
