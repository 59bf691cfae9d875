package dev.wisp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wisp.core.Body;
import dev.wisp.core.Headers;
import dev.wisp.testing.RawPeer;
import dev.wisp.testing.RawResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Trailer fields (RFC 9110 §6.5) of chunked bodies, both ways. */
class TrailersIT {
    private static Server server;

    @BeforeAll
    static void start() {
        server = TestServers.start(Router.builder()
                .post("/trailers", (request, response) -> {
                    byte[] body = request.bodyBytes();
                    response.send(body.length + " bytes\n" + request.trailers());
                })
                .get("/stream", (request, response) -> {
                    try (OutputStream out = response.outputStream()) {
                        out.write("hello ".getBytes(StandardCharsets.US_ASCII));
                        out.write("world\n".getBytes(StandardCharsets.US_ASCII));
                        response.trailer("Checksum", "abc123");
                        response.trailer("Server-Timing", "db;dur=5");
                    }
                })
                .get("/body", (request, response) -> response.send(new Body() {
                    @Override
                    public long length() {
                        return -1;
                    }

                    @Override
                    public void writeTo(OutputStream out) throws IOException {
                        out.write("made\n".getBytes(StandardCharsets.US_ASCII));
                    }

                    @Override
                    public Headers trailers() {
                        return Headers.of("Checksum", "m1");
                    }
                }))
                .build());
    }

    @AfterAll
    static void stop() {
        server.stop(Duration.ZERO);
    }

    @Test
    void showsTheTrailersOfAChunkedRequestToTheHandler() {
        RawPeer.talk(server.port(), peer -> {
            peer.send("""
                    POST /trailers HTTP/1.1\r
                    Host: x\r
                    Transfer-Encoding: chunked\r
                    \r
                    5\r
                    hello\r
                    0\r
                    Checksum: 42\r
                    X-Other: a b\r
                    \r
                    GET /stream HTTP/1.1\r
                    Host: x\r
                    \r
                    """);
            assertEquals("5 bytes\nChecksum: 42\nX-Other: a b\n", peer.readResponse().bodyText());
            assertEquals(200, peer.readResponse().status(), "the trailer section ended where it should");
        });
    }

    @Test
    void sendsTrailersAfterAChunkedResponseWithSmallWritesInOneChunk() {
        RawPeer.talk(server.port(), peer -> {
            peer.send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n");
            RawResponse response = peer.readResponse();
            assertEquals("""
                    HTTP/1.1 200 OK\r
                    Transfer-Encoding: chunked\r
                    Date: <date>\r
                    \r
                    c\r
                    hello world
                    \r
                    0\r
                    Checksum: abc123\r
                    Server-Timing: db;dur=5\r
                    \r
                    """, response.text());
            assertEquals(Headers.of("Checksum", "abc123", "Server-Timing", "db;dur=5"), response.trailers());
        });
    }

    @Test
    void sendsTheTrailersOfABodyAfterIt() {
        RawPeer.talk(server.port(), peer -> {
            peer.send("GET /body HTTP/1.1\r\nHost: x\r\n\r\n");
            RawResponse response = peer.readResponse();
            assertEquals("made\n", response.bodyText());
            assertEquals(Headers.of("Checksum", "m1"), response.trailers());
        });
    }

    @Test
    void dropsTrailersOfAnHttp10Response() {
        RawPeer.talk(server.port(), peer -> {
            peer.send("GET /stream HTTP/1.0\r\n\r\n");
            assertEquals("""
                    HTTP/1.1 200 OK\r
                    Date: <date>\r
                    Connection: close\r
                    \r
                    hello world
                    """, peer.readResponse().text());
        });
    }
}
