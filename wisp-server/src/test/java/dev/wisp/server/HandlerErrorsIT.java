package dev.wisp.server;

import static dev.wisp.server.TestServers.CLOSE_WAIT;
import static dev.wisp.server.TestServers.TEST_TIMEOUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.core.Headers;
import dev.wisp.core.MalformedMessageException;
import dev.wisp.core.Status;
import dev.wisp.testing.LogCapture;
import dev.wisp.testing.RawPeer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What a failing handler costs the peer: before the response is committed, a status (500, or the status of an
 * {@link dev.wisp.core.HttpProtocolException}) with a short message and no stack trace; after, a cut-off
 * response on a closed connection, never a body that looks complete.
 */
class HandlerErrorsIT {
    private static final String INTERNAL_ERROR = """
            HTTP/1.1 500 Internal Server Error\r
            Content-Type: text/plain; charset=utf-8\r
            Content-Length: 22\r
            Date: <date>\r
            Connection: close\r
            \r
            internal server error
            """;

    private static Server server;

    @BeforeAll
    static void start() {
        server = TestServers.start(Router.builder()
                .get("/hello", (request, response) -> response.send("hello\n"))
                .get("/throw", (request, response) -> {
                    throw new IllegalStateException("secret detail of a bug");
                })
                .get("/out-of-memory", (request, response) -> {
                    throw new OutOfMemoryError("Java heap space");
                })
                .get("/throw-io", (request, response) -> {
                    throw new IOException("database unreachable at 10.0.0.7");
                })
                .get("/bad-header", (request, response) -> response.header("X-Bad", "a\r\nInjected: yes").send())
                .get("/throw-after-describing", (request, response) -> {
                    response.header("Cache-Control", "public, max-age=31536000").header("Expires",
                            "Thu, 01 Jan 2037 00:00:00 GMT").header("Content-Disposition",
                            "attachment; filename=\"report.pdf\"").header("Content-Language", "de")
                            .header("Content-Location", "/reports/1.pdf");
                    throw new IllegalStateException("failed before sending the report");
                })
                .get("/refusal", (request, response) -> {
                    throw new HttpRefusalException(Status.TOO_MANY_REQUESTS, "over quota", Headers.of(
                            "Content-Type", "application/json", "Retry-After", "30", "Content-Length", "999",
                            "Transfer-Encoding", "chunked", "X-Hop", "1", "Connection", "keep-alive, X-Hop"),
                            "{\"error\": \"quota\"}\n".getBytes(StandardCharsets.US_ASCII));
                })
                .get("/protocol", (request, response) -> {
                    throw new MalformedMessageException("parameter 'n' is not a number");
                })
                .get("/throw-after-chunk", (request, response) -> {
                    OutputStream out = response.outputStream();
                    out.write("partial".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    throw new IllegalStateException("failed half way");
                })
                .get("/throw-before-flush", (request, response) -> {
                    response.outputStream().write("buffered".getBytes(StandardCharsets.US_ASCII));
                    throw new IllegalStateException("failed before anything went out");
                })
                .get("/throw-after-length", (request, response) -> {
                    OutputStream out = response.setHeader("Content-Length", "100").outputStream();
                    out.write("ten bytes!".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    throw new IllegalStateException("failed half way");
                })
                .build());
    }

    @AfterAll
    static void stop() {
        server.stop(Duration.ZERO);
    }

    @Test
    void answers500WithoutTheExceptionAndCloses() {
        assertTimeoutPreemptively(TEST_TIMEOUT, () -> {
            for (String path : new String[] {"/throw", "/throw-io", "/bad-header"}) {
                try (RawPeer peer = RawPeer.connect(server.port())) {
                    peer.send("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
                    String response = peer.readLastResponse().text();
                    assertEquals(INTERNAL_ERROR, response, path);
                    assertFalse(response.contains("Injected"), path);
                }
            }
        });
    }

    /**
     * A refusal with a whole answer goes out with its fields and body, framed by the server: the fields that frame a
     * message or manage the connection, and those its Connection names, are the server's, never the handler's.
     */
    @Test
    void answersARefusalWithItsFieldsAndBodyInTheServersFraming() {
        RawPeer.talk(server.port(), peer -> {
            peer.send("GET /refusal HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals("""
                    HTTP/1.1 429 Too Many Requests\r
                    Content-Type: application/json\r
                    Retry-After: 30\r
                    Content-Length: 19\r
                    Date: <date>\r
                    Connection: close\r
                    \r
                    {"error": "quota"}
                    """, peer.readLastResponse().text());
        });
    }

    /**
     * The headers a handler set for its content go with it: a 500 kept with the content's max-age would be stored by
     * caches (RFC 9111 §3 lets explicit freshness make any status storable), and one with its Content-Disposition
     * would be saved by a browser as the report.
     */
    @Test
    void answers500WithoutTheCachingAndPresentationOfTheFailedContent() {
        RawPeer.talk(server.port(), peer -> {
            peer.send("GET /throw-after-describing HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals(INTERNAL_ERROR, peer.readLastResponse().text());
        });
    }

    /**
     * A handler out of memory is answered 503 with Retry-After, as a server too busy for now (the heap frees as the
     * exchanges that filled it end), and told as a warning at most once a minute: a full heap fails many requests at
     * once, and a stack trace each (a 500 and a SEVERE trace before) takes memory when there is none.
     */
    @Test
    void answers503ToAHandlerOutOfMemoryAndWarnsOnce() {
        assertTimeoutPreemptively(TEST_TIMEOUT, () -> {
            try (LogCapture log = LogCapture.of(ErrorMapping.class.getName())) {
                for (int i = 0; i < 3; i++) {
                    RawPeer.talk(server.port(), peer -> {
                        peer.send("GET /out-of-memory HTTP/1.1\r\nHost: x\r\n\r\n");
                        assertEquals("""
                                HTTP/1.1 503 Service Unavailable\r
                                Retry-After: 1\r
                                Content-Type: text/plain; charset=utf-8\r
                                Content-Length: 25\r
                                Date: <date>\r
                                Connection: close\r
                                \r
                                out of memory; try again
                                """, peer.readLastResponse().text());
                    });
                }
                log.assertNoErrors("a handler out of memory");
                assertTrue(log.records().size() <= 1, "at most one warning a minute: " + log.records());
            }
        });
    }

    @Test
    void answersAProtocolExceptionWithItsStatusAndMessage() {
        RawPeer.talk(server.port(), peer -> {
            peer.send("GET /protocol HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals("""
                    HTTP/1.1 400 Bad Request\r
                    Content-Type: text/plain; charset=utf-8\r
                    Content-Length: 30\r
                    Date: <date>\r
                    Connection: close\r
                    \r
                    parameter 'n' is not a number
                    """, peer.readLastResponse().text());
        });
    }

    /** Each handler sends the head and part of the body, flushes, and throws: the body must end short. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "/throw-after-chunk  | Transfer-Encoding: chunked | 7\\r\\npartial\\r\\n",
        "/throw-after-length | Content-Length: 100        | ten bytes!"})
    void cutsOffTheResponseWhenTheHandlerFailsAfterCommitting(String path, String framing, String partialBody) {
        RawPeer.talk(server.port(), peer -> {
            peer.send("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
            String received = peer.readAll();
            assertTrue(received.startsWith("HTTP/1.1 200 OK\r\n" + framing + "\r\n"), received);
            assertTrue(received.endsWith("\r\n\r\n" + partialBody.translateEscapes()),
                    "cut off, then nothing more: " + received);
        });
    }

    @Test
    void answers500WhenTheHandlerFailsBeforeItsCommittedResponseWentOut() {
        RawPeer.talk(server.port(), peer -> {
            peer.send("GET /throw-before-flush HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals(INTERNAL_ERROR, peer.readLastResponse().text());
        });
    }

    @Test
    void servesOtherConnectionsAfterAFailure() {
        assertTimeoutPreemptively(TEST_TIMEOUT, () -> {
            try (RawPeer failing = RawPeer.connect(server.port()); RawPeer other = RawPeer.connect(server.port())) {
                failing.send("GET /throw HTTP/1.1\r\nHost: x\r\n\r\n");
                assertEquals(500, failing.readResponse().status());
                other.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
                assertEquals("hello\n", other.readResponse().bodyText());
            }
        });
    }
}
