package dev.wisp.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.wisp.testing.TestTransport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.HttpClientTransportOverHTTP2;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * HTTP/2 with Jetty's HTTP/2 client as the client (its {@code HttpClient} over {@code HttpClientTransportOverHTTP2}):
 * h2c with prior knowledge and h2 by ALPN over TLS, concurrent streams on one connection, trailers both ways.
 */
class Http2JettyClientIT {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @BeforeAll
    static void chooseTheirOwnTransports() {
        assumeFalse(TestTransport.isTls(), "these tests choose TLS or plaintext per server themselves");
    }

    private static HttpClient client(boolean tls) throws Exception {
        ClientConnector connector = new ClientConnector();
        if (tls) {
            SslContextFactory.Client ssl = new SslContextFactory.Client();
            ssl.setSslContext(TestTls.trustingClientContext());
            connector.setSslContextFactory(ssl);
        }
        connector.setConnectTimeout(Duration.ofSeconds(10));
        HttpClient client = new HttpClient(new HttpClientTransportOverHTTP2(new HTTP2Client(connector)));
        client.setIdleTimeout(20_000);
        client.start();
        return client;
    }

    private static Request request(HttpClient client, InteropServer server, String path) {
        return client.newRequest(server.url(path)).timeout(20, TimeUnit.SECONDS);
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void servesFiftyConcurrentStreamsOnOneConnection(boolean tls) {
        assertTimeoutPreemptively(LIMIT, () -> {
            HttpClient client = client(tls);
            try (InteropServer server = InteropServer.start(tls)) {
                ContentResponse first = request(client, server, "/hello").send();
                assertEquals(HttpVersion.HTTP_2, first.getVersion());
                assertEquals("hello over HTTP/2 on HTTP/2\n", first.getContentAsString());
                List<CompletableFuture<ContentResponse>> responses = new ArrayList<>();
                byte[] upload = new byte[100_000];
                new Random(5).nextBytes(upload);
                for (int i = 0; i < 50; i++) {
                    Request request = i % 2 == 0 ? request(client, server, "/hello")
                            : request(client, server, "/echo").method(HttpMethod.POST)
                                    .body(new BytesRequestContent(upload));
                    responses.add(new CompletableResponseListener(request).send());
                }
                for (int i = 0; i < responses.size(); i++) {
                    ContentResponse response = responses.get(i).get(30, TimeUnit.SECONDS);
                    assertEquals(200, response.getStatus());
                    assertEquals(HttpVersion.HTTP_2, response.getVersion());
                    if (i % 2 == 0) {
                        assertEquals("hello over HTTP/2 on HTTP/2\n", response.getContentAsString());
                    } else {
                        assertArrayEquals(upload, response.getContent());
                    }
                }
                server.assertAllHttp2(51);
                assertEquals(1, server.connectionsOpened());
            } finally {
                client.stop();
            }
        });
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void exchangesTrailersBothWays(boolean tls) {
        assertTimeoutPreemptively(LIMIT, () -> {
            HttpClient client = client(tls);
            try (InteropServer server = InteropServer.start(tls)) {
                ContentResponse streamed = request(client, server, "/streamed").send();
                byte[] body = streamed.getContent();
                assertEquals("line 0\n", new String(body, 0, 7, StandardCharsets.US_ASCII));
                HttpFields trailers = streamed.getTrailers();
                assertEquals("100", trailers == null ? null : trailers.get("x-lines"), () -> "trailers: "
                        + trailers);
                assertEquals(InteropServer.sha256Hex(body), trailers.get("x-sha256"));

                byte[] upload = "counted and summed".getBytes(StandardCharsets.US_ASCII);
                ContentResponse digest = request(client, server, "/digest").method(HttpMethod.POST)
                        .body(new BytesRequestContent(upload))
                        .trailersSupplier(() -> HttpFields.build().put("x-client-sum", "42"))
                        .send();
                assertEquals(upload.length + " " + InteropServer.sha256Hex(upload) + "\nx-client-sum: 42\n",
                        digest.getContentAsString());
                server.assertAllHttp2(2);
            } finally {
                client.stop();
            }
        });
    }
}
