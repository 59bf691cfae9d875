package dev.wisp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.testing.RawPeer;
import dev.wisp.testing.RawResponse;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Requests whose framing two parsers could read differently (RFC 9112 §6.1, §6.3, §7.1, §2.2, §5.1, §5.2): each
 * is answered with 400 or 501 and {@code Connection: close}, the connection is closed, and a second request
 * hidden behind it is never answered.
 */
class RequestSmugglingIT {
    /** Sent right after each bad request: a response to it would mean the server read past the bad framing. */
    private static final String SMUGGLED = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";

    private static Server server;

    @BeforeAll
    static void start() {
        server = TestServers.start(Router.builder()
                .post("/echo", (request, response) -> response.send(request.bodyBytes()))
                .get("/hello", (request, response) -> response.send("hello\n"))
                .get("/smuggled", (request, response) -> response.send("smuggled\n"))
                .build());
    }

    @AfterAll
    static void stop() {
        server.stop(Duration.ZERO);
    }

    static Stream<Arguments> badFraming() {
        return Stream.of(
                Arguments.of("CL.TE", 400, post("Content-Length: 6\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\nG")),
                Arguments.of("TE.CL", 400,
                        post("Transfer-Encoding: chunked\r\nContent-Length: 3\r\n", "8\r\nSMUGGLED\r\n0\r\n\r\n")),
                Arguments.of("CL between two TE fields", 400,
                        post("Transfer-Encoding: identity\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n",
                                "0\r\n\r\n")),
                Arguments.of("duplicate differing Content-Length", 400,
                        post("Content-Length: 5\r\nContent-Length: 6\r\n", "hello!")),
                Arguments.of("Content-Length list 5, 6", 400, post("Content-Length: 5, 6\r\n", "hello!")),
                Arguments.of("Content-Length with sign", 400, post("Content-Length: +5\r\n", "hello")),
                Arguments.of("chunked, gzip", 400, post("Transfer-Encoding: chunked, gzip\r\n", "0\r\n\r\n")),
                Arguments.of("gzip, chunked", 501, post("Transfer-Encoding: gzip, chunked\r\n", "0\r\n\r\n")),
                Arguments.of("chunked twice", 400,
                        post("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n")),
                Arguments.of("xchunked", 400, post("Transfer-Encoding: xchunked\r\n", "0\r\n\r\n")),
                Arguments.of("xchunked with Content-Length", 400,
                        post("Transfer-Encoding: xchunked\r\nContent-Length: 5\r\n", "0\r\n\r\n")),
                Arguments.of("chunked after a tab, with Content-Length", 400,
                        post("Transfer-Encoding:\tchunked\t\r\nContent-Length: 5\r\n", "0\r\n\r\n")),
                Arguments.of("space before colon", 400, post("Transfer-Encoding : chunked\r\n", "0\r\n\r\n")),
                Arguments.of("tab before colon", 400, post("Content-Length\t: 5\r\n", "hello")),
                Arguments.of("vertical tab before chunked", 400,
                        post("Transfer-Encoding: \u000bchunked\r\n", "0\r\n\r\n")),
                Arguments.of("Transfer-Encoding over obs-fold", 400,
                        post("Transfer-Encoding:\r\n chunked\r\n", "0\r\n\r\n")),
                Arguments.of("obs-fold", 400, post("X-Folded: a\r\n b\r\nContent-Length: 0\r\n", "")),
                Arguments.of("Transfer-Encoding in HTTP/1.0", 400,
                        "POST /echo HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
                Arguments.of("chunk size zz", 400, chunked("zz\r\nhello\r\n0\r\n\r\n")),
                Arguments.of("chunk size -1", 400, chunked("-1\r\nhello\r\n0\r\n\r\n")),
                Arguments.of("chunk size 0x5", 400, chunked("0x5\r\nhello\r\n0\r\n\r\n")),
                Arguments.of("chunk size overflows", 400, chunked("10000000000000005\r\nhello\r\n0\r\n\r\n")),
                Arguments.of("chunk size with space inside", 400, chunked("5 5\r\nhello\r\n0\r\n\r\n")),
                Arguments.of("chunk data without CRLF", 400, chunked("5\r\nhelloXX0\r\n\r\n")),
                Arguments.of("bare CR in request line", 400, "GET /hello\rX HTTP/1.1\r\nHost: x\r\n\r\n"),
                Arguments.of("bare CR ending request line", 400, "GET /hello HTTP/1.1\r\r\nHost: x\r\n\r\n"),
                Arguments.of("bare CR in a header", 400,
                        "GET /hello HTTP/1.1\r\nHost: x\rTransfer-Encoding: chunked\r\n\r\n"),
                Arguments.of("NUL in a header", 400, "GET /hello HTTP/1.1\r\nHost: x\r\nX-Nul: a\u0000b\r\n\r\n"),
                Arguments.of("no Host", 400, "GET /hello HTTP/1.1\r\n\r\n"),
                Arguments.of("two Hosts", 400, "GET /hello HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n"));
    }

    private static String post(String framing, String body) {
        return "POST /echo HTTP/1.1\r\nHost: x\r\n" + framing + "\r\n" + body;
    }

    private static String chunked(String body) {
        return post("Transfer-Encoding: chunked\r\n", body);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFraming")
    void rejectsAndClosesWithoutAnsweringTheSmuggledRequest(String name, int status, String request) {
        RawPeer.talk(server.port(), peer -> {
            peer.send(request + SMUGGLED);
            RawResponse response = peer.readLastResponse();
            assertEquals(status, response.status(), response::text);
            assertFalse(response.bodyText().contains("Exception"), response::text);
        });
    }

    @Test
    void answersContentLengthWithTransferEncodingWithAWholeResponse() {
        RawPeer.talk(server.port(), peer -> {
            peer.send(post("Content-Length: 6\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\nG") + SMUGGLED);
            assertEquals("""
                    HTTP/1.1 400 Bad Request\r
                    Content-Type: text/plain; charset=utf-8\r
                    Content-Length: 54\r
                    Date: <date>\r
                    Connection: close\r
                    \r
                    request has both Transfer-Encoding and Content-Length
                    """, peer.readLastResponse().text());
        });
    }

    @Test
    void acceptsBareLfAsLineEnd() {
        RawPeer.talk(server.port(), peer -> {
            peer.send("POST /echo HTTP/1.1\nHost: x\nContent-Length: 5\n\nhello");
            assertEquals("hello", peer.readResponse().bodyText());
            peer.send("GET /hello HTTP/1.1\nHost: x\n\n");
            assertEquals("hello\n", peer.readResponse().bodyText());
            assertFalse(peer.isClosedByPeer(Duration.ofMillis(50)));
        });
    }

    @Test
    void acceptsIdenticalContentLengthsAndTheirList() {
        RawPeer.talk(server.port(), peer -> {
            peer.send(post("Content-Length: 5\r\nContent-Length: 5\r\n", "hello"));
            assertEquals("hello", peer.readResponse().bodyText());
            peer.send(post("Content-Length: 5, 5\r\n", "world"));
            assertEquals("world", peer.readResponse().bodyText());
        });
    }

    @Test
    void readsChunkedBodyWithExtensionsAndUpperCaseSizes() {
        RawPeer.talk(server.port(), peer -> {
            peer.send(chunked("5;name=value\r\nhello\r\nA ; q=\"x\"\r\n0123456789\r\n0\r\n\r\n") + SMUGGLED);
            assertEquals("hello0123456789", peer.readResponse().bodyText());
            assertEquals("smuggled\n", peer.readResponse().bodyText(), "the next request on a sound connection");
        });
    }
    @ParameterizedTest
    @ValueSource(strings = {"HEAD /%zz HTTP/1.1\r\nHost: x\r\n\r\n", "HEAD /hello HTTP/1.1\r\n\r\n",
        "HEAD /hello HTTP/1.1\r\nHost: x:abc\r\n\r\n", "HEAD /hello HTTP/1.1\r\nX-A : b\r\nHost: x\r\n\r\n"})
    void refusesAHeadRequestWithoutContent(String request) {
        RawPeer.talk(server.port(), peer -> {
            peer.send(request);
            String text = peer.readAll();
            assertTrue(text.startsWith("HTTP/1.1 400 Bad Request\r\n"), text);
            assertTrue(text.contains("\r\nContent-Length: "), text);
            assertTrue(text.endsWith("\r\n\r\n"), "RFC 9110 §9.3.2: no content after the head of a HEAD's answer: "
                    + text);
        });
    }

    @Test
    void takesWhatBrowsersSendUnencodedInATarget() {
        RawPeer.talk(server.port(), peer -> {
            peer.send("GET /hello?filter[name]=x&a[]=1&b={|^`\\} HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n");
            assertEquals("hello\n", peer.readResponse().bodyText());
        });
    }
}
