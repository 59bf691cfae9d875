package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.server.ServerRequest;
import dev.wisp.server.ServerResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code maxBufferedBodyBytes}: {@link Response#bytes()} and {@link Response#text()} hold a body up to the limit and
 * refuse a longer one with {@link ResponseTooLargeException}, whether it announced its length, came without one, or
 * grew past the limit only when decoded (a small gzip body of many zeros); a stream reads past the limit. Over
 * HTTP/1.1 and HTTP/2, against Wisp's server; the client goes on serving calls after each refusal.
 */
class BufferedBodyLimitIT {
    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final int MAX = 1 << 20;

    private Server server;
    private Client client;

    private void start(String protocol) throws IOException {
        byte[] zeros = gzip(new byte[8 * MAX]);
        Router router = Router.builder()
                .get("/fixed", (request, response) -> response.send(new byte[length(request)]))
                .get("/streamed", (request, response) -> {
                    try (OutputStream out = response.outputStream()) {
                        out.write(new byte[length(request)]);
                    }
                })
                .get("/zeros", (request, response) -> {
                    response.header("Content-Encoding", "gzip");
                    response.send(zeros);
                })
                .build();
        server = Server.create(ServerConfig.builder().port(0).http2(true).build(), router).start();
        ClientConfig.Builder config = ClientConfig.builder().maxBufferedBodyBytes(MAX);
        if (protocol.equals("h2c")) {
            config.http2(Http2Mode.PRIOR_KNOWLEDGE);
        }
        client = Client.create(config.build());
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static int length(ServerRequest request) throws IOException {
        return Integer.parseInt(request.queryParameter("length").orElseThrow());
    }

    private String url(String path, int length) {
        return "http://127.0.0.1:" + server.port() + path + "?length=" + length;
    }

    @ParameterizedTest
    @ValueSource(strings = {"http/1.1", "h2c"})
    void holdsABodyOfTheLimitAndRefusesOneByteMore(String protocol) {
        assertTimeoutPreemptively(LIMIT, () -> {
            start(protocol);
            for (String path : new String[] {"/fixed", "/streamed"}) {
                assertEquals(MAX, client.send(Request.get(url(path, MAX))).bytes().length, path);
                Response over = client.send(Request.get(url(path, MAX + 1)));
                ResponseTooLargeException e = assertThrows(ResponseTooLargeException.class, over::text, path);
                assertEquals(MAX, e.limit());
                String size = path.equals("/fixed") ? (MAX + 1) + " bytes" : "longer than " + MAX + " bytes";
                assertEquals("the response body of GET " + url(path, MAX + 1) + " is " + size
                        + ", over maxBufferedBodyBytes (" + MAX + "): read it as a stream with body(), transferTo()"
                        + " or toFile()", e.getMessage());
                assertEquals("ok", ok());
            }
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"http/1.1", "h2c"})
    void countsADecodedBodyByItsDecodedBytes(String protocol) {
        assertTimeoutPreemptively(LIMIT, () -> {
            start(protocol);
            Response zeros = client.send(Request.builder(url("/zeros", 0)).decompress(true).build());
            ResponseTooLargeException e = assertThrows(ResponseTooLargeException.class, zeros::bytes);
            assertTrue(e.getMessage().contains(" is longer than " + MAX + " bytes"), e.getMessage());
            assertEquals("ok", ok());
            try (Response stream = client.send(Request.builder(url("/zeros", 0)).decompress(true).build())) {
                assertEquals(8L * MAX, stream.transferTo(OutputStream.nullOutputStream()));
            }
        });
    }

    @Test
    void aLimitOfZeroHoldsOnlyEmptyBodies() {
        assertTimeoutPreemptively(LIMIT, () -> {
            start("http/1.1");
            client.close();
            client = Client.create(ClientConfig.builder().maxBufferedBodyBytes(0).build());
            assertEquals(0, client.send(Request.get(url("/streamed", 0))).bytes().length);
            Response one = client.send(Request.get(url("/streamed", 1)));
            assertThrows(ResponseTooLargeException.class, one::bytes);
            assertThrows(IllegalArgumentException.class, () -> ClientConfig.builder().maxBufferedBodyBytes(-1).build());
        });
    }

    private String ok() throws IOException {
        return client.send(Request.get(url("/fixed", 2))).bytes().length == 2 ? "ok" : "wrong length";
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream encoded = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(encoded)) {
            out.write(bytes);
        }
        return encoded.toByteArray();
    }
}
