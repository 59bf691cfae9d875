package dev.wisp.server;

import static dev.wisp.server.TestServers.CLOSE_WAIT;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.core.Status;
import dev.wisp.testing.RawPeer;
import dev.wisp.testing.RawResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Persistent connections (RFC 9112 §9.3): which requests keep the connection and which close it, pipelining, and
 * responses without content (HEAD, 204, 304) that must leave the connection in a state to read the next one.
 */
class KeepAliveIT {
    private static final String HELLO_CLOSE = """
            HTTP/1.1 200 OK\r
            Content-Type: text/plain; charset=utf-8\r
            Content-Length: 6\r
            Date: <date>\r
            Connection: close\r
            \r
            hello
            """;
    private static final String HELLO = HELLO_CLOSE.replace("Connection: close\r\n", "");

    private static Server server;

    @BeforeAll
    static void start() {
        server = TestServers.start(Router.builder()
                .get("/hello", (request, response) -> response.send("hello\n"))
                .post("/echo", (request, response) -> response.send(request.bodyBytes()))
                .get("/status/{code}", (request, response) -> response
                        .status(Integer.parseInt(request.pathParameter("code").orElseThrow()))
                        .header("ETag", "\"v1\"")
                        .send("content that must not be sent\n"))
                .build());
    }

    @AfterAll
    static void stop() {
        server.stop(Duration.ZERO);
    }

    @Test
    void answersPipelinedRequestsInOrder() {
        RawPeer.talk(server.port(), peer -> {
            peer.send("""
                    GET /hello HTTP/1.1\r
                    Host: x\r
                    \r
                    POST /echo HTTP/1.1\r
                    Host: x\r
                    Content-Length: 6\r
                    \r
                    second\
                    GET /status/404 HTTP/1.1\r
                    Host: x\r
                    \r
                    """);
            assertEquals(HELLO, peer.readResponse().text());
            assertEquals("""
                    HTTP/1.1 200 OK\r
                    Content-Length: 6\r
                    Date: <date>\r
                    \r
                    second""", peer.readResponse().text());
            RawResponse third = peer.readResponse();
            assertEquals(404, third.status());
            assertFalse(peer.isClosedByPeer(Duration.ofMillis(50)));
        });
    }

    @Test
    void closesAfterAnHttp10RequestWithoutKeepAlive() {
        RawPeer.talk(server.port(), peer -> {
            peer.send("GET /hello HTTP/1.0\r\n\r\n");
            assertEquals(HELLO_CLOSE, peer.readLastResponse().text());
        });
    }

    @Test
    void keepsAnHttp10ConnectionThatAsksForKeepAlive() {
        RawPeer.talk(server.port(), peer -> {
            String keepAlive = HELLO_CLOSE.replace("Connection: close", "Connection: keep-alive");
            peer.send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            assertEquals(keepAlive, peer.readResponse().text());
            peer.send("GET /hello HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n");
            assertEquals(keepAlive, peer.readResponse().text());
            assertFalse(peer.isClosedByPeer(Duration.ofMillis(50)));
        });
    }

    @Test
    void closesAfterAnHttp11RequestWithConnectionClose() {
        RawPeer.talk(server.port(), peer -> {
            peer.send("GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    + "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals(HELLO_CLOSE, peer.readLastResponse().text());
        });
    }

    @Test
    void answersHeadWithTheHeadersOfGetAndNoBody() {
        RawPeer.talk(server.port(), peer -> {
            peer.send("HEAD /hello HTTP/1.1\r\nHost: x\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals(HELLO.replace("hello\n", ""), peer.readResponseHead().text());
            assertEquals(HELLO, peer.readResponse().text(), "the next response follows the head at once");
        });
    }

    @Test
    void sends204And304WithoutContent() {
        RawPeer.talk(server.port(), peer -> {
            peer.send("GET /status/204 HTTP/1.1\r\nHost: x\r\n\r\nGET /status/304 HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
            String empty = """
                    HTTP/1.1 %s\r
                    ETag: "v1"\r
                    Content-Type: text/plain; charset=utf-8\r
                    Date: <date>\r
                    \r
                    """;
            assertEquals(empty.formatted(Status.NO_CONTENT), peer.readResponseHead().text());
            assertEquals(empty.formatted(Status.NOT_MODIFIED), peer.readResponseHead().text());
            assertEquals(HELLO, peer.readResponse().text(), "no stray content before the next response");
        });
    }

    @Test
    void answersARequestWhoseClientHalfClosedAfterIt() {
        RawPeer.talk(server.port(), peer -> {
            peer.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
            peer.shutdownOutput();
            assertEquals(HELLO, peer.readResponse().text());
            assertTrue(peer.isClosedByPeer(CLOSE_WAIT));
        });
    }

    @Test
    void answers400WhenTheClientEndsTheBodyEarly() {
        RawPeer.talk(server.port(), peer -> {
            peer.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nhalf");
            peer.shutdownOutput();
            assertEquals(400, peer.readLastResponse().status());
        });
    }

    @Test
    void servesManyRequestsOnOneConnection() {
        RawPeer.talk(server.port(), peer -> {
            for (int i = 0; i < 50; i++) {
                String body = "request " + i;
                peer.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length() + "\r\n\r\n"
                        + body);
                assertEquals(body, peer.readResponse().bodyText());
            }
        });
    }
}
