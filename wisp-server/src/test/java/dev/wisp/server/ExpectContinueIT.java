package dev.wisp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.testing.RawPeer;
import dev.wisp.testing.RawResponse;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code Expect: 100-continue} (RFC 9110 §10.1.1): the interim 100 goes out when the handler first reads the
 * body, never before and never after the final response has started; a handler that answers without reading
 * closes the connection, since the client may still be holding the body back; any other expectation gets 417.
 */
class ExpectContinueIT {
    private static final String EXPECTING_HEAD = """
            POST /%s HTTP/1.1\r
            Host: x\r
            Content-Length: 5\r
            Expect: 100-continue\r
            \r
            """;
    private static final CountDownLatch handlerStarted = new CountDownLatch(1);
    private static final CountDownLatch mayRead = new CountDownLatch(1);

    private static Server server;

    @BeforeAll
    static void start() {
        server = TestServers.start(Router.builder()
                .post("/echo", (request, response) -> response.send(request.bodyBytes()))
                .post("/slow-echo", (request, response) -> {
                    handlerStarted.countDown();
                    await(mayRead);
                    response.send(request.bodyBytes());
                })
                .post("/refuse", (request, response) -> response.status(403).send("no thanks\n"))
                .post("/open-stream-then-read", (request, response) -> {
                    try (OutputStream out = response.outputStream()) {
                        out.write(request.bodyBytes());
                    }
                })
                .post("/stream-then-read", (request, response) -> {
                    try (OutputStream out = response.outputStream()) {
                        out.write("started:".getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        out.write(request.bodyBytes());
                    }
                })
                .build());
    }

    @AfterAll
    static void stop() {
        mayRead.countDown();
        server.stop(Duration.ZERO);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void sends100WhenTheHandlerReadsThenTheFinalResponse() {
        RawPeer.talk(server.port(), peer -> {
            peer.send(EXPECTING_HEAD.formatted("echo"));
            assertEquals("HTTP/1.1 100 Continue\r\n\r\n", peer.readResponse().text());
            peer.send("hello");
            RawResponse response = peer.readResponse();
            assertEquals("hello", response.bodyText());
            assertEquals(Optional.empty(), response.header("Connection"));
            peer.send(EXPECTING_HEAD.formatted("echo"));
            assertEquals(100, peer.readResponse().status(), "the connection is kept for the next request");
        });
    }

    @Test
    void sendsNothingBeforeTheHandlerReads() {
        RawPeer.talk(server.port(), peer -> {
            peer.send(EXPECTING_HEAD.formatted("slow-echo"));
            handlerStarted.await();
            assertFalse(peer.isClosedByPeer(Duration.ofMillis(100)), "no byte may arrive before the read");
            mayRead.countDown();
            assertEquals(100, peer.readResponse().status());
            peer.send("hello");
            assertEquals("hello", peer.readResponse().bodyText());
        });
    }

    @Test
    void closesAfterAFinalResponseToABodyItNeverInvited() {
        RawPeer.talk(server.port(), peer -> {
            peer.send(EXPECTING_HEAD.formatted("refuse"));
            assertEquals("""
                    HTTP/1.1 403 Forbidden\r
                    Content-Type: text/plain; charset=utf-8\r
                    Content-Length: 10\r
                    Date: <date>\r
                    Connection: close\r
                    \r
                    no thanks
                    """, peer.readLastResponse().text());
        });
    }

    /**
     * A handler that takes its output stream before it reads (a streaming echo) has its final head in the buffer,
     * none of it sent: the 100 goes ahead of it. The client waited for a 100 that never came (curl its second, a
     * client that waits longer the read timeout's 408).
     */
    @Test
    void sends100AheadOfAFinalHeadNotSentYet() {
        RawPeer.talk(server.port(), peer -> {
            peer.send(EXPECTING_HEAD.formatted("open-stream-then-read"));
            assertEquals("HTTP/1.1 100 Continue\r\n\r\n", peer.readResponse().text());
            peer.send("hello");
            RawResponse response = peer.readResponse();
            assertEquals(200, response.status(), response::text);
            assertEquals("hello", response.bodyText(), response::text);
        });
    }

    @Test
    void neverSends100AfterTheFinalResponseHasStarted() {
        RawPeer.talk(server.port(), peer -> {
            peer.send(EXPECTING_HEAD.formatted("stream-then-read") + "hello");
            RawResponse response = peer.readResponse();
            assertEquals(200, response.status(), response::text);
            assertEquals("started:hello", response.bodyText(), response::text);
        });
    }

    @Test
    void answers417ToAnUnknownExpectation() {
        RawPeer.talk(server.port(), peer -> {
            peer.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: foo\r\n\r\nhello");
            assertEquals("""
                    HTTP/1.1 417 Expectation Failed\r
                    Content-Type: text/plain; charset=utf-8\r
                    Content-Length: 29\r
                    Date: <date>\r
                    Connection: close\r
                    \r
                    unsupported expectation: foo
                    """, peer.readLastResponse().text());
        });
    }

    @Test
    void ignoresTheExpectationOfAnHttp10Request() {
        RawPeer.talk(server.port(), peer -> {
            peer.send("POST /echo HTTP/1.0\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\nhello");
            RawResponse response = peer.readResponse();
            assertEquals(200, response.status(), "HTTP/1.0 knows no interim responses");
            assertEquals("hello", response.bodyText());
        });
    }
}
