package dev.wisp.server;

import static dev.wisp.server.TestServers.CLOSE_WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.testing.RawPeer;
import dev.wisp.testing.RawResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every size limit of {@link ServerConfig}, crossed by one byte (or one field) and met exactly: at the limit the
 * request is served, one past it the documented status is sent and the connection closed.
 */
class LimitsIT {
    private static final int MAX_REQUEST_LINE = 100;
    private static final int MAX_HEADER_BYTES = 200;
    private static final int MAX_HEADER_COUNT = 5;
    private static final int MAX_BODY = 100;
    private static final int MAX_CHUNK_LINE = 32;
    private static final int MAX_DRAIN = 50;

    private static final AtomicInteger bodyHandlerCalls = new AtomicInteger();
    private static Server server;

    @BeforeAll
    static void start() {
        server = TestServers.start(TestServers.config()
                        .maxRequestLineBytes(MAX_REQUEST_LINE)
                        .maxHeaderBytes(MAX_HEADER_BYTES)
                        .maxHeaderCount(MAX_HEADER_COUNT)
                        .maxRequestBodyBytes(MAX_BODY)
                        .maxChunkLineBytes(MAX_CHUNK_LINE)
                        .maxDrainBytes(MAX_DRAIN),
                Router.builder()
                        .get("/*", (request, response) -> response.send("ok\n"))
                        .post("/body", (request, response) -> {
                            bodyHandlerCalls.incrementAndGet();
                            response.send(request.bodyBytes().length + " bytes\n");
                        })
                        .post("/ignore", (request, response) -> response.send("ignored\n"))
                        .build());
    }

    @AfterAll
    static void stop() {
        server.stop(Duration.ZERO);
    }

    @BeforeEach
    void resetCalls() {
        bodyHandlerCalls.set(0);
    }

    @Test
    void servesRequestLineAtLimitAndAnswers414OneBytePast() {
        String atLimit = "GET /" + "a".repeat(MAX_REQUEST_LINE - 14) + " HTTP/1.1";
        assertEquals(MAX_REQUEST_LINE, atLimit.length());
        assertServed(atLimit + "\r\nHost: x\r\n\r\n", "ok\n");
        String pastLimit = "GET /" + "a".repeat(MAX_REQUEST_LINE - 13) + " HTTP/1.1";
        assertRejected(pastLimit + "\r\nHost: x\r\n\r\n", 414, "request line exceeds 100 bytes");
    }

    /** maxHeaderBytes counts the field lines with their CRLFs, not the empty line that ends the section. */
    @Test
    void servesHeaderSectionAtLimitAndAnswers431OneBytePast() {
        assertServed(getWithFieldBytes(MAX_HEADER_BYTES), "ok\n");
        assertRejected(getWithFieldBytes(MAX_HEADER_BYTES + 1), 431, "header section exceeds 200 bytes");
    }

    /** A GET whose field lines, CRLFs included, take exactly this many bytes. */
    private static String getWithFieldBytes(int fieldBytes) {
        String host = "Host: x\r\n";
        String fill = "X-Fill: " + "f".repeat(fieldBytes - host.length() - "X-Fill: \r\n".length()) + "\r\n";
        assertEquals(fieldBytes, host.length() + fill.length());
        return "GET /x HTTP/1.1\r\n" + host + fill + "\r\n";
    }

    /**
     * One field line longer than the read buffer (8 KiB by default) is taken up to maxHeaderBytes (16 KiB), as over
     * HTTP/2; one byte past the limit is 431. The connection goes on to its next request after the long head.
     */
    @Test
    void servesOneFieldLongerThanTheReadBufferUpToMaxHeaderBytes() {
        ServerConfig defaults = ServerConfig.builder().build();
        int limit = defaults.maxHeaderBytes();
        assertTrue(limit > defaults.bufferBytes() + 1024, "a field line at the limit overflows the read buffer");
        Server wide = TestServers.start(TestServers.config(), Router.builder()
                .get("/*", (request, response) -> response.send(request.headers().first("X-Fill").orElse("").length()
                        + " bytes\n"))
                .build());
        try {
            RawPeer.talk(wide.port(), peer -> {
                peer.send(getWithFieldBytes(limit));
                assertEquals(limit - "Host: x\r\nX-Fill: \r\n".length() + " bytes\n", peer.readResponse().bodyText());
                peer.send("GET /next HTTP/1.1\r\nHost: x\r\n\r\n");
                assertEquals("0 bytes\n", peer.readResponse().bodyText());
            });
            RawPeer.talk(wide.port(), peer -> {
                peer.send(getWithFieldBytes(limit + 1));
                RawResponse response = peer.readLastResponse();
                assertEquals(431, response.status(), response::text);
                assertEquals("header section exceeds " + limit + " bytes (maxHeaderBytes)\n", response.bodyText());
            });
        } finally {
            wide.stop(Duration.ZERO);
        }
    }

    @Test
    void servesHeaderCountAtLimitAndAnswers431OneFieldPast() {
        String atLimit = "Host: x\r\n" + "X-A: 1\r\n".repeat(MAX_HEADER_COUNT - 1);
        assertServed("GET /x HTTP/1.1\r\n" + atLimit + "\r\n", "ok\n");
        assertRejected("GET /x HTTP/1.1\r\n" + atLimit + "X-A: 1\r\n\r\n", 431,
                "header section has more than 5 fields (maxHeaderCount)");
    }

    @Test
    void answers413BeforeTheHandlerRunsWhenContentLengthIsPastTheLimit() {
        assertServed(post("/body", MAX_BODY), "100 bytes\n");
        assertEquals(1, bodyHandlerCalls.getAndSet(0));
        assertRejected(post("/body", MAX_BODY + 1), 413,
                "request body of 101 bytes exceeds 100 bytes (maxRequestBodyBytes)");
        assertEquals(0, bodyHandlerCalls.get(), "handler must not run for a body known to be too large");
    }

    @Test
    void answers413WhileTheHandlerReadsAChunkedBodyPastTheLimit() {
        assertServed(chunked("/body", MAX_BODY - 40, 40), "100 bytes\n");
        assertRejected(chunked("/body", MAX_BODY - 40, 41), 413, "chunked body exceeds 100 bytes");
        assertEquals(2, bodyHandlerCalls.get());
    }

    @Test
    void servesChunkLineAtLimitAndAnswers400OneBytePast() {
        String atLimit = "5;ext=" + "e".repeat(MAX_CHUNK_LINE - 6);
        assertEquals(MAX_CHUNK_LINE, atLimit.length());
        assertServed(postChunks(atLimit + "\r\nhello\r\n0\r\n\r\n"), "5 bytes\n");
        assertRejected(postChunks(atLimit + "e\r\nhello\r\n0\r\n\r\n"), 400,
                "chunk-size line exceeds 32 bytes (maxChunkLineBytes)");
    }

    @Test
    void keepsTheConnectionWhenAnUnreadBodyIsWithinMaxDrainBytes() {
        RawPeer.talk(server.port(), peer -> {
            peer.send(post("/ignore", MAX_DRAIN));
            RawResponse response = peer.readResponse();
            assertEquals("ignored\n", response.bodyText());
            assertEquals(Optional.empty(), response.header("Connection"));
            peer.send(chunked("/ignore", MAX_DRAIN - 10, 10));
            assertEquals("ignored\n", peer.readResponse().bodyText());
            peer.send("GET /next HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals("ok\n", peer.readResponse().bodyText());
        });
    }

    @Test
    void closesTheConnectionWhenAnUnreadBodyIsPastMaxDrainBytes() {
        RawPeer.talk(server.port(), peer -> {
            peer.send(post("/ignore", MAX_DRAIN + 1) + "GET /next HTTP/1.1\r\nHost: x\r\n\r\n");
            RawResponse response = peer.readLastResponse();
            assertEquals("ignored\n", response.bodyText());
        });
    }

    @Test
    void closesTheConnectionWhenAnUnreadChunkedBodyIsPastMaxDrainBytes() {
        RawPeer.talk(server.port(), peer -> {
            peer.send(chunked("/ignore", MAX_DRAIN, 1) + "GET /next HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals("ignored\n", peer.readResponse().bodyText());
            assertTrue(peer.isClosedByPeer(CLOSE_WAIT));
        });
    }

    private static String post(String path, int bodyBytes) {
        return "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + bodyBytes + "\r\n\r\n"
                + "b".repeat(bodyBytes);
    }

    /** A chunked POST of two chunks of these sizes. */
    private static String chunked(String path, int first, int second) {
        return "POST " + path + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(first) + "\r\n" + "c".repeat(first) + "\r\n"
                + Integer.toHexString(second) + "\r\n" + "c".repeat(second) + "\r\n0\r\n\r\n";
    }

    private static String postChunks(String chunks) {
        return "POST /body HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks;
    }

    /** Sends the request and expects the body, on a connection that stays open. */
    private static void assertServed(String request, String body) {
        RawPeer.talk(server.port(), peer -> {
            peer.send(request);
            RawResponse response = peer.readResponse();
            assertEquals(200, response.status(), response::text);
            assertEquals(body, response.bodyText());
            assertFalse(peer.isClosedByPeer(Duration.ofMillis(20)));
        });
    }

    /** Sends the request and expects the status with a message naming the limit, then the close. */
    private static void assertRejected(String request, int status, String message) {
        RawPeer.talk(server.port(), peer -> {
            peer.send(request);
            RawResponse response = peer.readLastResponse();
            assertEquals(status, response.status(), response::text);
            assertTrue(response.bodyText().startsWith(message), response::text);
        });
    }
}
