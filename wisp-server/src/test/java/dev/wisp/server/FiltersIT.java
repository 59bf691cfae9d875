package dev.wisp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.wisp.core.Body;
import dev.wisp.core.Status;
import dev.wisp.testing.RawResponse;
import dev.wisp.testing.TestTransport;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Filters around the whole server, over a real socket: what a filter sees after {@code next} is the status and
 * content length the client receives, for routes, the router's own 404 and 405, the server's refusals (400 for a
 * framing it refuses, 413 for a declared or a read body over the limit, 417, over HTTP/1.1 and HTTP/2 alike) and a
 * handler's failure; a filter may answer alone, and may wrap the response body.
 */
class FiltersIT {
    private static final BlockingQueue<String> SEEN = new LinkedBlockingQueue<>();
    private static Server server;

    @BeforeAll
    static void start() {
        Router router = Router.builder()
                .get("/hello", (request, response) -> response.send("hello\n"))
                .post("/echo", (request, response) -> response.send(request.bodyBytes()))
                .get("/throw", (request, response) -> {
                    throw new IllegalStateException("bug");
                })
                .get("/stream", (request, response) -> {
                    try (OutputStream out = response.outputStream()) {
                        out.write("streamed\n".getBytes(StandardCharsets.US_ASCII));
                    }
                })
                .build();
        Filter record = (request, response, next) -> {
            next.handle(request, response);
            SEEN.add(request.method() + " " + request.target().raw() + " " + response.status().code() + " "
                    + response.contentBytesSent());
        };
        Filter guard = (request, response, next) -> {
            if (request.path().startsWith("/secret")) {
                response.status(Status.UNAUTHORIZED).send("who are you?\n");
                return;
            }
            next.handle(request, response);
        };
        Filter shout = (request, response, next) -> next.handle(request,
                request.queryParameter("shout").isPresent() ? new Shouting(response) : response);
        server = TestServers.start(TestServers.config().http2(true).maxRequestBodyBytes(100),
                HttpService.builder(router).filter(record).filter(guard).filter(shout).build());
    }

    @AfterAll
    static void stop() {
        server.stop(Duration.ZERO);
    }

    @BeforeEach
    void forget() {
        SEEN.clear();
    }

    @Test
    void seesTheStatusAndContentLengthOfARoute() throws Exception {
        assertEquals(200, exchange("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n").status());
        assertEquals("GET /hello 200 6", seen());
        assertEquals(200, exchange("HEAD /hello HTTP/1.1\r\nHost: x\r\n\r\n").status());
        assertEquals("HEAD /hello 200 0", seen());
        assertEquals("streamed\n", exchange("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n").bodyText());
        assertEquals("GET /stream 200 9", seen());
    }

    @Test
    void seesTheRoutersOwnAnswers() throws Exception {
        assertEquals(404, exchange("GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n").status());
        assertEquals("GET /nowhere 404 22", seen());
        RawResponse notAllowed = exchange("DELETE /hello HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals(405, notAllowed.status());
        assertEquals("GET, HEAD, OPTIONS", notAllowed.header("Allow").orElseThrow());
        assertEquals("DELETE /hello 405 " + notAllowed.body().length, seen());
        assertEquals(204, exchange("OPTIONS /hello HTTP/1.1\r\nHost: x\r\n\r\n").status());
        assertEquals("OPTIONS /hello 204 0", seen());
    }

    @Test
    void seesTheServersRefusalsOfARequestItRead() throws Exception {
        RawResponse smuggling = exchange("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
        assertEquals(400, smuggling.status());
        assertEquals("close", smuggling.header("Connection").orElseThrow());
        assertEquals("POST /echo 400 " + smuggling.body().length, seen());
        RawResponse declared = exchange("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 101\r\n\r\n");
        assertEquals(413, declared.status());
        assertEquals("POST /echo 413 " + declared.body().length, seen());
        RawResponse read = exchange("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "65\r\n" + "x".repeat(101) + "\r\n0\r\n\r\n");
        assertEquals(413, read.status());
        assertEquals("POST /echo 413 " + read.body().length, seen());
        RawResponse expectation = exchange("GET /hello HTTP/1.1\r\nHost: x\r\nExpect: magic\r\n\r\n");
        assertEquals(417, expectation.status());
        assertEquals("GET /hello 417 " + expectation.body().length, seen());
    }

    @Test
    void seesTheServersRefusalsOfAnHttp2Request() {
        assumeFalse(TestTransport.isTls(), "the peer speaks h2c with prior knowledge");
        Http2TestPeer.talk(server, peer -> {
            peer.headers(1, false, Http2TestPeer.request("POST", "/echo", "content-length", "101"));
            Http2TestPeer.Response declared = peer.expectResponse(1);
            assertEquals(413, declared.status());
            assertEquals("POST /echo 413 " + declared.body().length, seen());
            peer.headers(3, true, Http2TestPeer.request("GET", "/hello", "expect", "magic"));
            Http2TestPeer.Response expectation = peer.expectResponse(3);
            assertEquals(417, expectation.status());
            assertEquals("GET /hello 417 " + expectation.body().length, seen());
        });
    }

    @Test
    void seesTheAnswerToAFailedHandler() throws Exception {
        RawResponse response = exchange("GET /throw HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals(500, response.status());
        assertEquals("internal server error\n", response.bodyText());
        assertEquals("GET /throw 500 22", seen());
    }

    @Test
    void mayAnswerWithoutTheRoute() throws Exception {
        RawResponse response = exchange("GET /secret/plans HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals(401, response.status());
        assertEquals("who are you?\n", response.bodyText());
        assertEquals("GET /secret/plans 401 13", seen());
    }

    @Test
    void mayWrapTheResponseBody() throws Exception {
        assertEquals("HELLO\n", exchange("GET /hello?shout HTTP/1.1\r\nHost: x\r\n\r\n").bodyText());
        assertEquals("STREAMED\n", exchange("GET /stream?shout HTTP/1.1\r\nHost: x\r\n\r\n").bodyText());
        assertEquals("NO ROUTE FOR /NOWHERE\n",
                exchange("GET /nowhere?shout HTTP/1.1\r\nHost: x\r\n\r\n").bodyText());
    }

    @Test
    void seesNothingOfAHeadTheCodecCannotRead() throws Exception {
        assertEquals(400, exchange("GET /hello HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n").status());
        assertNull(SEEN.poll(200, TimeUnit.MILLISECONDS));
    }

    private static RawResponse exchange(String request) {
        return TestServers.exchange(server, request);
    }

    private static String seen() throws InterruptedException {
        String line = SEEN.poll(5, TimeUnit.SECONDS);
        assertNotNull(line, "the filter saw no exchange");
        return line;
    }

    /** Upper-cases ASCII bodies, sent whole or streamed. */
    private static final class Shouting extends ForwardingServerResponse {
        Shouting(ServerResponse delegate) {
            super(delegate);
        }

        @Override
        public void send(Body body) throws IOException {
            var bytes = new ByteArrayOutputStream();
            body.writeTo(bytes);
            super.send(Body.of(bytes.toString(StandardCharsets.US_ASCII).toUpperCase(Locale.ROOT)
                    .getBytes(StandardCharsets.US_ASCII)));
        }

        @Override
        public OutputStream outputStream() throws IOException {
            return new FilterOutputStream(super.outputStream()) {
                @Override
                public void write(int b) throws IOException {
                    out.write(Character.toUpperCase(b));
                }
            };
        }
    }
}
