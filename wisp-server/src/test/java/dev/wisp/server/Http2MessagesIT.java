package dev.wisp.server;

import static dev.wisp.http2.ErrorCode.COMPRESSION_ERROR;
import static dev.wisp.http2.ErrorCode.PROTOCOL_ERROR;
import static dev.wisp.server.Http2TestPeer.END_HEADERS;
import static dev.wisp.server.Http2TestPeer.END_STREAM;
import static dev.wisp.server.Http2TestPeer.bytes;
import static dev.wisp.server.Http2TestPeer.concat;
import static dev.wisp.server.Http2TestPeer.fields;
import static dev.wisp.server.Http2TestPeer.request;
import static dev.wisp.server.Http2TestPeer.talk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.http2.FrameType;
import dev.wisp.http2.hpack.HpackField;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * RFC 9113 §8 (message exchange, field validity, pseudo-header fields, push) and RFC 7541 (HPACK errors) against a
 * scripted peer: a malformed request is a stream error of type PROTOCOL_ERROR that leaves the connection serving
 * (§8.1.1); a header block that does not decode is a connection error of type COMPRESSION_ERROR (§4.3).
 */
class Http2MessagesIT {
    @RegisterExtension
    static final Http2TestServers.Shared SHARED = new Http2TestServers.Shared();

    static Stream<Arguments> malformedRequests() {
        return Stream.of(
                // §8.2: field names are lowercase; connection-specific fields are malformed; TE only "trailers".
                Arguments.of("uppercase name", request("GET", "/hello", "X-Upper", "1")),
                Arguments.of("connection", request("GET", "/hello", "connection", "keep-alive")),
                Arguments.of("keep-alive", request("GET", "/hello", "keep-alive", "timeout=5")),
                Arguments.of("proxy-connection", request("GET", "/hello", "proxy-connection", "close")),
                Arguments.of("transfer-encoding", request("GET", "/hello", "transfer-encoding", "chunked")),
                Arguments.of("upgrade", request("GET", "/hello", "upgrade", "h2c")),
                Arguments.of("te other than trailers", request("GET", "/hello", "te", "trailers, deflate")),
                // §8.2.1: no CR, LF or NUL in a value, no white space around it.
                Arguments.of("LF in a value", request("GET", "/hello", "x-a", "1\n2")),
                Arguments.of("NUL in a value", request("GET", "/hello", "x-a", "1\u00002")),
                Arguments.of("leading space in a value", request("GET", "/hello", "x-a", " 1")),
                Arguments.of("colon in a name", request("GET", "/hello", "x:a", "1")),
                // §8.3: pseudo-header fields.
                Arguments.of("unknown pseudo-header", request("GET", "/hello", ":foo", "bar")),
                Arguments.of("response pseudo-header", request("GET", "/hello", ":status", "200")),
                Arguments.of("pseudo-header after a regular field", fields(":method", "GET", ":scheme", "http",
                        "x-a", "1", ":path", "/hello", ":authority", "localhost")),
                Arguments.of("empty :path", request("GET", "")),
                Arguments.of("no :method", fields(":scheme", "http", ":path", "/hello", ":authority", "x")),
                Arguments.of("no :scheme", fields(":method", "GET", ":path", "/hello", ":authority", "x")),
                Arguments.of("no :path", fields(":method", "GET", ":scheme", "http", ":authority", "x")),
                Arguments.of("two :method", fields(":method", "GET", ":method", "GET", ":scheme", "http",
                        ":path", "/hello")),
                Arguments.of("two :scheme", fields(":method", "GET", ":scheme", "http", ":scheme", "http",
                        ":path", "/hello")),
                Arguments.of("two :path", fields(":method", "GET", ":scheme", "http", ":path", "/hello",
                        ":path", "/hello")),
                Arguments.of(":path without a leading slash", request("GET", "hello")),
                // §8.5: CONNECT has :authority only; RFC 8441 §4: :protocol only on CONNECT.
                Arguments.of("CONNECT with :path", request("CONNECT", "/hello")),
                Arguments.of(":protocol on a GET", fields(":method", "GET", ":protocol", "websocket",
                        ":scheme", "http", ":path", "/hello", ":authority", "localhost")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedRequests")
    void resetsAMalformedRequestAndGoesOnServing(String name, List<HpackField> fields) {
        talk(SHARED.server(), peer -> {
            peer.headers(1, true, fields);
            peer.expectReset(1, PROTOCOL_ERROR);
            peer.get(3, "/hello");
            assertEquals("hello\n", peer.expectResponse(3).bodyText());
        });
    }

    @Test
    void sendsResponseFieldsInLowercaseWithoutConnectionFieldsAndTrailersThatEndTheStream() {
        talk(SHARED.server(), peer -> { // the peer fails on a field that breaks §8.2 or §8.3.2
            peer.get(1, "/fields");
            Http2TestPeer.Response response = peer.expectResponse(1);
            assertEquals("v", response.header("x-mixed-case"));
            assertEquals("with trailers\n", response.bodyText());
            assertEquals(List.of(new HpackField("x-checksum", "done")), response.trailers());
            peer.get(3, "/none");
            Http2TestPeer.Response none = peer.expectResponse(3);
            assertEquals(204, none.status());
            assertEquals(null, none.header("content-length"));
            assertTrue(peer.received().stream().noneMatch(f -> f.streamId() == 3 && f.is(FrameType.DATA)),
                    "a 204 ends its stream with its head");
        });
    }

    @Test
    void servesAConnectRequestThatNamesOnlyAnAuthority() {
        talk(SHARED.server(), peer -> {
            peer.headers(1, false, fields(":method", "CONNECT", ":authority", "localhost:443"));
            int status = peer.expectResponse(1).status(); // no tunnel route: any refusal but a reset
            assertTrue(status >= 400, "status " + status);
        });
    }

    @Test
    void resetsARequestWhoseHostDiffersFromItsAuthority() {
        talk(SHARED.server(), peer -> {
            peer.headers(1, true, request("GET", "/hello", "host", "elsewhere.example"));
            peer.expectReset(1, PROTOCOL_ERROR); // §8.3.1: SHOULD be treated as malformed
        });
    }

    @Test
    void servesARequestWithTeTrailersAndTrailersThatEndTheStream() {
        talk(SHARED.server(), peer -> {
            peer.headers(1, false, request("POST", "/echo", "te", "trailers"));
            peer.data(1, "body", false);
            peer.headers(1, true, fields("x-checksum", "1"));
            assertEquals("body", peer.expectResponse(1).bodyText());
        });
    }

    @Test
    void resetsAStreamWhoseTrailersDoNotEndItOrCarryPseudoHeaders() {
        talk(SHARED.server(), peer -> {
            peer.headers(1, false, request("POST", "/echo"));
            peer.data(1, "body", false);
            peer.headers(1, false, fields("x-checksum", "1")); // §8.1: trailers must carry END_STREAM
            peer.expectReset(1, PROTOCOL_ERROR);
            peer.headers(3, false, request("POST", "/echo"));
            peer.headers(3, true, fields(":path", "/other")); // §8.3: no pseudo-header in trailers
            peer.expectReset(3, PROTOCOL_ERROR);
            peer.expectStillOpen();
        });
    }

    @Test
    void resetsARequestWhoseContentDiffersFromItsContentLength() {
        talk(SHARED.server(), peer -> {
            peer.headers(1, false, request("POST", "/echo", "content-length", "5"));
            peer.data(1, "abc", true); // §8.1.1: shorter
            peer.expectReset(1, PROTOCOL_ERROR);
            peer.headers(3, false, request("POST", "/echo", "content-length", "2"));
            peer.data(3, "a", false);
            peer.data(3, "bc", true); // longer, over two frames
            peer.expectReset(3, PROTOCOL_ERROR);
            peer.headers(5, true, request("POST", "/echo", "content-length", "3")); // none at all
            peer.expectReset(5, PROTOCOL_ERROR);
            peer.headers(7, false, request("POST", "/echo", "content-length", "2"));
            peer.data(7, "ab", false);
            peer.headers(7, true, fields("x-t", "1")); // ended by trailers, content whole
            assertEquals("ab", peer.expectResponse(7).bodyText());
        });
    }

    /**
     * The access log of a request whose content broke its Content-Length says 400, the status of a malformed request,
     * though only RST_STREAM could go out: it said 200, the status of a response never sent. The server's counts of
     * responses sent count none.
     */
    @Test
    void logsARequestResetForItsContentLengthAs400() throws Exception {
        java.util.concurrent.BlockingQueue<String> lines = new java.util.concurrent.LinkedBlockingQueue<>();
        HttpService service = HttpService.builder(Router.builder()
                        .post("/echo", (request, response) -> response.send(request.bodyBytes())).build())
                .filter(dev.wisp.server.filters.AccessLog.to(lines::add)).build();
        try (Server server = Server.create(Http2TestServers.config().port(0).build(), service).start()) {
            talk(server, peer -> {
                peer.headers(1, false, request("POST", "/echo", "content-length", "5"));
                peer.data(1, "0123456789", true);
                peer.expectReset(1, PROTOCOL_ERROR);
            });
            String line = lines.poll(10, java.util.concurrent.TimeUnit.SECONDS);
            assertTrue(line != null && line.contains("\"POST /echo HTTP/2\" 400 0 "), String.valueOf(line));
            assertEquals(0, server.stats().responses().total(), "no response went out, and none is counted");
            // A client that cancels its upload got no status at all: nginx's 499, where the unsent 200 was logged.
            talk(server, peer -> {
                peer.headers(3, false, request("POST", "/echo", "content-length", "10"));
                peer.data(3, "01234", false);
                peer.send(new dev.wisp.http2.ResetFrame(3, dev.wisp.http2.ErrorCode.CANCEL));
                peer.expectStillOpen();
            });
            String cancelled = lines.poll(10, java.util.concurrent.TimeUnit.SECONDS);
            assertTrue(cancelled != null && cancelled.contains("\"POST /echo HTTP/2\" 499 0 ")
                    && cancelled.endsWith(" aborted"), String.valueOf(cancelled));
            assertEquals(0, server.stats().responses().total());
        }
    }

    /**
     * The access log of a response whose client reset it part way gives the content that went out (the window the
     * client gave, 65,535 bytes), not the length the handler wrote (the whole mebibyte, before 2026-12-06).
     */
    @Test
    void logsTheContentSentBeforeTheClientResetTheStream() throws Exception {
        byte[] large = new byte[1 << 20];
        java.util.concurrent.BlockingQueue<String> lines = new java.util.concurrent.LinkedBlockingQueue<>();
        HttpService service = HttpService.builder(Router.builder()
                        .get("/large", (request, response) -> response.send(large)).build())
                .filter(dev.wisp.server.filters.AccessLog.to(lines::add)).build();
        try (Server server = Server.create(Http2TestServers.config().port(0).build(), service).start()) {
            talk(server, peer -> {
                peer.get(1, "/large");
                int received = 0;
                while (received < dev.wisp.http2.Settings.DEFAULT.initialWindowSize()) {
                    Http2TestPeer.Received frame = peer.next();
                    if (frame.is(FrameType.DATA) && frame.streamId() == 1) {
                        received += frame.payload().length;
                    }
                }
                peer.send(new dev.wisp.http2.ResetFrame(1, dev.wisp.http2.ErrorCode.CANCEL));
                peer.expectStillOpen();
            });
            String line = lines.poll(10, java.util.concurrent.TimeUnit.SECONDS);
            assertTrue(line != null && line.contains("\"GET /large HTTP/2\" 200 65535 "), String.valueOf(line));
        }
    }

    /**
     * A handler's flush before any content sends the head alone (an event stream's, whose first event may be minutes
     * away), as over HTTP/1.1: the head waited for the first DATA, so a client saw nothing until then.
     */
    @Test
    void aFlushBeforeAnyContentSendsTheHead() throws Exception {
        java.util.concurrent.CountDownLatch headSeen = new java.util.concurrent.CountDownLatch(1);
        Router router = Router.builder().get("/quiet", (request, response) -> {
            response.header("Content-Type", "text/event-stream");
            java.io.OutputStream body = response.outputStream();
            body.flush();
            try {
                headSeen.await(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new java.io.InterruptedIOException();
            }
            body.write("data: late\n\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }).build();
        try (Server server = Server.create(Http2TestServers.config().port(0).build(), router).start()) {
            talk(server, peer -> {
                peer.get(1, "/quiet");
                Http2TestPeer.Received head;
                do {
                    head = peer.next(); // fails the test if nothing comes within its read timeout
                } while (head.streamId() != 1);
                Http2TestPeer.Received seen = head;
                assertTrue(head.is(FrameType.HEADERS) && !head.has(END_STREAM), seen::toString);
                headSeen.countDown();
                peer.pushBack(head);
                assertEquals("data: late\n\n", peer.expectResponse(1).bodyText());
            });
        }
    }

    @Test
    void takesAContentLengthRepeatedWithTheSameValueAsHttp11Does() {
        talk(SHARED.server(), peer -> {
            peer.headers(1, false, request("POST", "/echo", "content-length", "5, 5"));
            peer.data(1, "hello", true);
            assertEquals("hello", peer.expectResponse(1).bodyText(), "RFC 9110 §8.6 allows the list");
        });
    }

    @Test
    void endsTheConnectionForAPushPromiseFromTheClient() {
        talk(SHARED.server(), peer -> {
            peer.get(1, "/block");
            byte[] block = peer.encode(request("GET", "/pushed"));
            peer.sendFrame(FrameType.PUSH_PROMISE.code(), END_HEADERS, 1, concat(bytes(0, 0, 0, 2), block));
            peer.expectGoAwayAndClose(PROTOCOL_ERROR);
        });
    }

    static Stream<Arguments> undecodableBlocks() {
        return Stream.of(
                Arguments.of("RFC 7541 §2.3.3: indexed field past the tables", bytes(0xc6), false),
                Arguments.of("§2.3.3: literal whose name index is past the tables", bytes(0x7f, 0x07, 0x00), false),
                Arguments.of("§4.2: table size update at the end of a block", bytes(0x21), true),
                Arguments.of("§5.2: Huffman padding longer than 7 bits",
                        bytes(0x00, 0x85, 0xf2, 0xb2, 0x4a, 0x84, 0xff, 0x84, 0x49, 0x50, 0x9f, 0xff), true),
                Arguments.of("§5.2: Huffman padding of zeros",
                        bytes(0x00, 0x85, 0xf2, 0xb2, 0x4a, 0x84, 0xff, 0x83, 0x49, 0x50, 0x90), true),
                Arguments.of("§5.2: Huffman string holding EOS", bytes(0x00, 0x85, 0xf2, 0xb2, 0x4a, 0x84, 0xff,
                        0x87, 0x49, 0x51, 0xff, 0xff, 0xff, 0xfa, 0x7f), true),
                Arguments.of("§6.1: indexed field of index 0", bytes(0x80), true),
                Arguments.of("§6.3: table size update past SETTINGS_HEADER_TABLE_SIZE", bytes(0x3f, 0xe2, 0x1f),
                        false),
                Arguments.of("§5.1: integer past 2^31", bytes(0x3f, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("undecodableBlocks")
    void endsTheConnectionForAHeaderBlockThatDoesNotDecode(String name, byte[] representation, boolean after) {
        talk(SHARED.server(), peer -> {
            byte[] valid = peer.encode(request("GET", "/hello"));
            byte[] block = after ? concat(valid, representation) : concat(representation, valid);
            peer.sendFrame(FrameType.HEADERS.code(), END_HEADERS | END_STREAM, 1, block);
            peer.expectGoAwayAndClose(COMPRESSION_ERROR);
        });
    }
}
