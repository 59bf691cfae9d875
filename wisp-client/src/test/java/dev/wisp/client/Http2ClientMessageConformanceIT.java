package dev.wisp.client;

import static dev.wisp.client.Http2ScriptedServer.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.wisp.client.Http2ScriptedServer.Misbehaviour;
import dev.wisp.client.Http2ScriptedServer.Peer;
import dev.wisp.http2.ErrorCode;
import dev.wisp.http2.HeadersFrame;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The HTTP/2 client's rules of response messages, RFC 9113 §8.1 to §8.3, and of HPACK (RFC 7541), case by case against
 * {@link Http2ScriptedServer}: a malformed response resets its stream with PROTOCOL_ERROR and fails its call with
 * {@link ResponseProtocolException} while the other calls on the connection go on; a header block that does not
 * decode ends the connection with COMPRESSION_ERROR; and the well-formed responses the RFC allows are read.
 */
class Http2ClientMessageConformanceIT {
    private static final Duration LIMIT = Duration.ofSeconds(15);

    @AutoClose
    private Http2ScriptedServer server;

    private static void run(Executable test) {
        assertTimeoutPreemptively(LIMIT, test);
    }

    /** A response that breaks a rule of messages, played on a call's stream. */
    record MalformedCase(String rule, Misbehaviour play) {
        @Override
        public String toString() {
            return rule;
        }
    }

    private static MalformedCase malformed(String rule, Misbehaviour play) {
        return new MalformedCase(rule, play);
    }

    /** A response head of these fields, names and values in turn, that ends the stream. */
    private static MalformedCase head(String rule, String... fields) {
        return new MalformedCase(rule, (peer, id) -> peer.headers(id, true, fields));
    }

    /** A response head, then trailers of these fields, names and values in turn. */
    private static MalformedCase trailer(String rule, String... fields) {
        return new MalformedCase(rule, (peer, id) -> {
            peer.headers(id, false, ":status", "200");
            peer.headers(id, true, fields);
        });
    }

    static Stream<MalformedCase> malformedResponses() {
        return Stream.of(
                // §8.1: HEADERS, DATA, trailers that end the stream; interim responses before the final one
                malformed("§8.1 DATA before the response head", (peer, id) -> peer.data(id, "early", true)),
                head("§8.1 an interim response that ends the stream", ":status", "103"),
                malformed("§8.1 a second response head", (peer, id) -> {
                    peer.headers(id, false, ":status", "200");
                    peer.headers(id, false, ":status", "200");
                }),
                malformed("§8.1 an interim response after the final one", (peer, id) -> {
                    peer.headers(id, false, ":status", "200");
                    peer.headers(id, false, ":status", "103");
                }),
                malformed("§8.1 trailers that do not end the stream", (peer, id) -> {
                    peer.headers(id, false, ":status", "200");
                    peer.data(id, "content", false);
                    peer.headers(id, false, "x-checksum", "abc");
                }),
                trailer("§8.1 a pseudo-header field in trailers", ":status", "200"),
                head("§8.6 status 101", ":status", "101"),
                // §8.1.1: Content-Length and the content
                malformed("§8.1.1 content beyond Content-Length", (peer, id) -> {
                    peer.headers(id, false, ":status", "200", "content-length", "5");
                    peer.data(id, "123456", true);
                }),
                malformed("§8.1.1 content short of Content-Length", (peer, id) -> {
                    peer.headers(id, false, ":status", "200", "content-length", "5");
                    peer.data(id, "1234", true);
                }),
                head("§8.1.1 Content-Length on a head that ends the stream", ":status", "200", "content-length", "5"),
                malformed("§8.1.1 content in a 204", (peer, id) -> {
                    peer.headers(id, false, ":status", "204");
                    peer.data(id, "x", true);
                }),
                malformed("§8.1.1 content in a 304", (peer, id) -> {
                    peer.headers(id, false, ":status", "304", "content-length", "1");
                    peer.data(id, "x", true);
                }),
                malformed("§8.1.1 trailers before all the content Content-Length said", (peer, id) -> {
                    peer.headers(id, false, ":status", "200", "content-length", "5");
                    peer.data(id, "12", false);
                    peer.headers(id, true, "x-checksum", "abc");
                }),
                head("§8.1.1 Content-Length not a number", ":status", "200", "content-length", "abc"),
                head("§8.1.1 Content-Lengths that differ", ":status", "200", "content-length", "1",
                        "content-length", "2"),
                // §8.2.1, §8.2.2: field names and values
                head("§8.2.1 an uppercase field name", ":status", "200", "Content-Type", "text/plain"),
                head("§8.2.1 a field name with a space", ":status", "200", "x y", "1"),
                head("§8.2.1 an empty field name", ":status", "200", "", "1"),
                head("§8.2.1 a field value with CR", ":status", "200", "x-a", "1\r2"),
                head("§8.2.1 a field value with LF", ":status", "200", "x-a", "1\n2"),
                head("§8.2.1 a field value with NUL", ":status", "200", "x-a", "1\u00002"),
                head("§8.2.1 a field value starting with a space", ":status", "200", "x-a", " 1"),
                head("§8.2.1 a field value ending with a tab", ":status", "200", "x-a", "1\t"),
                head("§8.2.2 connection", ":status", "200", "connection", "keep-alive"),
                head("§8.2.2 keep-alive", ":status", "200", "keep-alive", "timeout=5"),
                head("§8.2.2 proxy-connection", ":status", "200", "proxy-connection", "keep-alive"),
                head("§8.2.2 transfer-encoding", ":status", "200", "transfer-encoding", "chunked"),
                head("§8.2.2 upgrade", ":status", "200", "upgrade", "h2c"),
                trailer("§8.2.1 an uppercase field name in trailers", "X-Checksum", "abc"),
                trailer("§8.2.2 a connection-specific field in trailers", "transfer-encoding", "chunked"),
                // §8.3, §8.3.2: pseudo-header fields of a response
                head("§8.3.2 no :status", "content-type", "text/plain"),
                head("§8.3.2 two :status", ":status", "200", ":status", "204"),
                head("§8.3 :status after a regular field", "x-a", "1", ":status", "200"),
                head("§8.3 a pseudo-header field after a regular one", ":status", "200", "x-a", "1", ":x", "2"),
                head("§8.3 :path in a response", ":status", "200", ":path", "/"),
                head("§8.3 :method in a response", ":method", "GET", ":status", "200"),
                head("§8.3 :scheme in a response", ":status", "200", ":scheme", "http"),
                head("§8.3 :authority in a response", ":status", "200", ":authority", "x"),
                head("§8.3 an unknown pseudo-header field", ":status", "200", ":foo", "bar"),
                head("§8.3.2 :status of two digits", ":status", "20"),
                head("§8.3.2 :status of four digits", ":status", "2000"),
                head("§8.3.2 :status not a number", ":status", "abc"),
                head("§8.3.2 :status below 100", ":status", "099"),
                head("§8.3.2 an empty :status", ":status", ""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedResponses")
    void resetsTheStreamOfAMalformedResponseAndServesTheOthers(MalformedCase malformed) {
        run(() -> {
            server = Http2ScriptedServer.start(ClientConfig.builder());
            server.failsOneStreamOnly(ErrorCode.PROTOCOL_ERROR, ResponseProtocolException.class, malformed.play());
        });
    }

    // §8.1: what a response may be

    @Test
    void readsInterimResponsesTheResponseAndItsTrailers() {
        run(() -> {
            server = Http2ScriptedServer.start(ClientConfig.builder());
            CompletableFuture<Response> call = server.client().sendAsync(Request.get(server.url("/")));
            Peer peer = server.handshake();
            int id = peer.awaitRequest().streamId();
            peer.headers(id, false, ":status", "100");
            peer.headers(id, false, ":status", "103", "link", "</style.css>; rel=preload");
            peer.headers(id, false, ":status", "200", "content-type", "text/plain");
            peer.data(id, "con", false);
            peer.data(id, "tent", false);
            peer.data(id, "", false);
            peer.headers(id, true, "x-checksum", "abc");
            try (Response response = result(call)) {
                assertEquals(200, response.statusCode());
                assertEquals("content", response.text());
                assertEquals("abc", response.trailers().first("x-checksum").orElseThrow());
            }
            server.servesNextCall(peer);
        });
    }

    @Test
    void readsAResponseToHeadWhoseContentLengthHasNoContent() {
        run(() -> {
            server = Http2ScriptedServer.start(ClientConfig.builder());
            CompletableFuture<String> call = server.fetch(Request.builder(server.url("/")).method("HEAD").build());
            Peer peer = server.handshake();
            int id = peer.awaitRequest().streamId();
            peer.headers(id, true, ":status", "200", "content-length", "100");
            assertEquals("200 ", result(call));
            server.servesNextCall(peer);
        });
    }

    // RFC 7541: a header block that does not decode is a connection error (RFC 9113 §4.3)

    @ParameterizedTest
    @ValueSource(strings = {
        "80", // §6.1: index 0
        "be", // §2.3.3: index 62, beyond the static table, with the dynamic table empty
        "3fe13f88", // §4.2: a table size update to 8,192, beyond our SETTINGS_HEADER_TABLE_SIZE of 4,096
        "8820", // §4.2: a table size update after a field
        "0081ff0161", // §5.2: a Huffman string whose padding is longer than 7 bits
        "000561", // §5.2: a string longer than the block
        "ffffffffffff7f"}) // §5.1: an integer beyond what a decoder takes
    void endsTheConnectionWithCompressionErrorOnABlockThatDoesNotDecode(String block) {
        run(() -> {
            server = Http2ScriptedServer.start(ClientConfig.builder());
            server.connectionError(ErrorCode.COMPRESSION_ERROR,
                    (peer, id) -> peer.send(new HeadersFrame(id, HexFormat.of().parseHex(block), true)));
        });
    }

    @Test
    void takesTableSizeUpdatesAtTheStartOfABlock() {
        run(() -> {
            server = Http2ScriptedServer.start(ClientConfig.builder());
            CompletableFuture<String> call = server.get("/");
            Peer peer = server.handshake();
            int id = peer.awaitRequest().streamId();
            // §4.2: two updates (to 4,096, then 0) before the first field, then :status 200 from the static table
            peer.send(new HeadersFrame(id, HexFormat.of().parseHex("3fe11f2088"), false));
            peer.data(id, "sized", true);
            assertEquals("200 sized", result(call));
        });
    }
}
