package dev.wisp.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.wisp.testing.TestTransport;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import okhttp3.Call;
import okhttp3.Headers;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * HTTP/2 with OkHttp as the client: with prior knowledge in plaintext and by ALPN over TLS, requests with and without
 * bodies, a call cancelled in the middle of its response (the handler's write fails, the connection goes on serving
 * its other streams) and trailers after a streamed response.
 */
class Http2OkHttpIT {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @BeforeAll
    static void chooseTheirOwnTransports() {
        assumeFalse(TestTransport.isTls(), "these tests choose TLS or plaintext per server themselves");
    }

    private static OkHttpClient client(boolean tls) throws Exception {
        OkHttpClient.Builder builder = new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(20));
        if (tls) {
            TrustManager[] trust = dev.wisp.testing.TestCertificates.trustManagers(TestTls.CA);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust, null);
            builder.sslSocketFactory(context.getSocketFactory(), (X509TrustManager) trust[0]);
        } else {
            builder.protocols(List.of(Protocol.H2_PRIOR_KNOWLEDGE));
        }
        return builder.build();
    }

    private static void shutDown(OkHttpClient client) {
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void exchangesRequestsOnOneConnection(boolean tls) {
        byte[] upload = new byte[1024 * 1024 + 5];
        new Random(3).nextBytes(upload);
        assertTimeoutPreemptively(LIMIT, () -> {
            OkHttpClient client = client(tls);
            try (InteropServer server = InteropServer.start(tls)) {
                for (int i = 0; i < 3; i++) {
                    try (Response response = client.newCall(new Request.Builder().url(server.url("/hello")).build())
                            .execute()) {
                        assertEquals(200, response.code());
                        assertEquals(tls ? Protocol.HTTP_2 : Protocol.H2_PRIOR_KNOWLEDGE, response.protocol());
                        assertEquals("hello over HTTP/2 on HTTP/2\n", response.body().string());
                    }
                }
                RequestBody body = RequestBody.create(upload, MediaType.get("application/octet-stream"));
                try (Response response = client.newCall(new Request.Builder().url(server.url("/echo")).post(body)
                        .build()).execute()) {
                    assertArrayEquals(upload, response.body().bytes(), "the echo came back whole");
                }
                server.assertAllHttp2(4);
                assertEquals(1, server.connectionsOpened());
            } finally {
                shutDown(client);
            }
        });
    }

    @Test
    void goesOnServingOtherStreamsWhenACallIsCancelledMidBody() {
        CountDownLatch slowMayFinish = new CountDownLatch(1);
        Router.Builder routes = Router.builder().get("/slow", InteropServer.pausingUntil(slowMayFinish));
        assertTimeoutPreemptively(LIMIT, () -> {
            OkHttpClient client = client(false);
            try (InteropServer server = InteropServer.start(false, routes);
                    Response slow = client.newCall(new Request.Builder().url(server.url("/slow")).build())
                            .execute()) {
                InputStream slowBody = slow.body().byteStream();
                assertEquals("first\n", new String(readExactly(slowBody, 6), StandardCharsets.US_ASCII));

                Call endless = client.newCall(new Request.Builder().url(server.url("/endless")).build());
                try (Response response = endless.execute()) {
                    assertEquals(64 * 1024, readExactly(response.body().byteStream(), 64 * 1024).length);
                    endless.cancel();
                    assertThrows(IOException.class, () -> response.body().byteStream().readAllBytes());
                }
                IOException failed = server.failedWrites().poll(20, TimeUnit.SECONDS);
                assertNotNull(failed, "the handler of the cancelled stream saw its write fail");
                // CANCEL, or PROTOCOL_ERROR: OkHttp forgets a cancelled stream at once and answers the DATA still
                // in flight for it with RST_STREAM PROTOCOL_ERROR, which may leave before its own CANCEL does.
                assertTrue(failed.getMessage().matches(".*was reset by the client: (CANCEL|PROTOCOL_ERROR)"),
                        failed::toString);

                // The stream opened before the cancel, and one opened after it, are served on the same connection.
                slowMayFinish.countDown();
                assertEquals("second\n", new String(slowBody.readAllBytes(), StandardCharsets.US_ASCII));
                try (Response hello = client.newCall(new Request.Builder().url(server.url("/hello")).build())
                        .execute()) {
                    assertEquals("hello over HTTP/2 on HTTP/2\n", hello.body().string());
                }
                server.assertAllHttp2(3);
                assertEquals(1, server.connectionIds().size(), () -> "connections: " + server.seen());
                assertEquals(1, server.connectionsOpened());
            } finally {
                shutDown(client);
            }
        });
    }

    /**
     * Reads this many bytes, never asking for more: okio's stream waits for data even when asked for none, which
     * {@link InputStream#readNBytes(int)} does once it has them all.
     */
    private static byte[] readExactly(InputStream in, int count) throws IOException {
        byte[] bytes = new byte[count];
        for (int at = 0, n; at < count; at += n) {
            n = in.read(bytes, at, count - at);
            if (n < 0) {
                throw new EOFException("the body ended after " + at + " of " + count + " bytes");
            }
        }
        return bytes;
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void readsTheTrailersOfAStreamedResponse(boolean tls) {
        assertTimeoutPreemptively(LIMIT, () -> {
            OkHttpClient client = client(tls);
            try (InteropServer server = InteropServer.start(tls);
                    Response response = client.newCall(new Request.Builder().url(server.url("/streamed")).build())
                            .execute()) {
                byte[] body = response.body().bytes();
                assertEquals("line 0\n", new String(body, 0, 7, StandardCharsets.US_ASCII));
                Headers trailers = response.trailers();
                assertEquals("100", trailers.get("x-lines"), () -> "trailers: " + trailers);
                assertEquals(InteropServer.sha256Hex(body), trailers.get("x-sha256"));
                server.assertAllHttp2(1);
            } finally {
                shutDown(client);
            }
        });
    }
}
