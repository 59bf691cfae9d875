package dev.wisp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.testing.RawPeer;
import dev.wisp.testing.RawResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The request-target forms of RFC 9112 §3.2 and the messages they go with: absolute-form is routed by its path,
 * {@code OPTIONS *} lists what the server serves, and CONNECT (authority-form) is refused with 501.
 */
class RequestFormsIT {
    private static Server server;

    @BeforeAll
    static void start() {
        server = TestServers.start(Router.builder()
                .get("/hello", (request, response) -> response.send("hello " + request.target().form() + "\n"))
                .post("/echo", (request, response) -> response.send(request.bodyBytes()))
                .build());
    }

    @AfterAll
    static void stop() {
        server.stop(Duration.ZERO);
    }

    @Test
    void routesAnAbsoluteFormTargetByItsPath() {
        RawPeer.talk(server.port(), peer -> {
            peer.send("GET http://example.com/hello HTTP/1.1\r\nHost: example.com\r\n\r\n");
            assertEquals("hello ABSOLUTE\n", peer.readResponse().bodyText());
            peer.send("GET /hello HTTP/1.1\r\nHost: example.com\r\n\r\n");
            assertEquals("hello ORIGIN\n", peer.readResponse().bodyText());
        });
    }

    @Test
    void answersOptionsAsteriskWithEveryMethodServed() {
        RawPeer.talk(server.port(), peer -> {
            peer.send("OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals("""
                    HTTP/1.1 204 No Content\r
                    Allow: GET, HEAD, POST, OPTIONS\r
                    Date: <date>\r
                    \r
                    """, peer.readResponse().text());
            assertFalse(peer.isClosedByPeer(Duration.ofMillis(20)));
        });
    }

    @Test
    void answersOptionsOnAPathWithItsMethods() {
        RawPeer.talk(server.port(), peer -> {
            peer.send("OPTIONS /echo HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals("""
                    HTTP/1.1 204 No Content\r
                    Allow: POST, OPTIONS\r
                    Date: <date>\r
                    \r
                    """, peer.readResponse().text());
        });
    }

    @Test
    void answers405WithAllowForAnotherMethod() {
        RawPeer.talk(server.port(), peer -> {
            peer.send("DELETE /echo HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals("""
                    HTTP/1.1 405 Method Not Allowed\r
                    Allow: POST, OPTIONS\r
                    Content-Type: text/plain; charset=utf-8\r
                    Content-Length: 32\r
                    Date: <date>\r
                    \r
                    DELETE is not allowed for /echo
                    """, peer.readResponse().text());
        });
    }

    @Test
    void refusesConnectWith501() {
        RawPeer.talk(server.port(), peer -> {
            peer.send("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n");
            assertEquals("""
                    HTTP/1.1 501 Not Implemented\r
                    Content-Type: text/plain; charset=utf-8\r
                    Content-Length: 25\r
                    Date: <date>\r
                    \r
                    CONNECT is not supported
                    """, peer.readResponse().text());
            peer.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals("hello ORIGIN\n", peer.readResponse().bodyText(), "no tunnel was opened");
        });
    }

    @Test
    void answersAHigherHttp1MinorVersionAsHttp11() {
        RawPeer.talk(server.port(), peer -> {
            peer.send("GET /hello HTTP/1.2\r\nHost: x\r\n\r\n");
            RawResponse response = peer.readResponse();
            assertEquals("HTTP/1.1", response.version());
            assertEquals("hello ORIGIN\n", response.bodyText());
        });
    }

    @Test
    void answers505ToAnotherMajorVersion() {
        RawPeer.talk(server.port(), peer -> {
            peer.send("GET /hello HTTP/2.0\r\nHost: x\r\n\r\n");
            RawResponse response = peer.readLastResponse();
            assertEquals(505, response.status(), response::text);
        });
    }

    @Test
    void rejectsAsteriskFormWithOtherMethods() {
        RawPeer.talk(server.port(), peer -> {
            peer.send("GET * HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals(400, peer.readResponse().status());
        });
    }
}
