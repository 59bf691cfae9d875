package dev.wisp.http1;

import static dev.wisp.http1.Feeding.assertRejected;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.wisp.core.Headers;
import dev.wisp.core.MalformedMessageException;
import dev.wisp.core.Method;
import dev.wisp.core.ResponseHead;
import dev.wisp.core.Status;
import dev.wisp.core.UnsupportedTransferCodingException;
import dev.wisp.core.WireInput;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** How {@link Http1Framing#ofResponse} delimits a response body (RFC 9112 §6.3), and the bodies read with it. */
class Http1ResponseFramingTest {
    private static final Http1ResponseReader READER = new Http1ResponseReader(Http1Limits.defaults());

    private static Http1Framing framing(Method method, int code, String... fields) throws IOException {
        return Http1Framing.ofResponse(method, Status.of(code), Headers.of(fields));
    }

    /** Reads a response to a request with this method, and its body. */
    private static Bodies.Body exchange(Method method, String wire) throws IOException {
        return Feeding.read(wire, in -> readResponse(method, in));
    }

    private static Bodies.Body readResponse(Method method, WireInput in) throws IOException {
        ResponseHead head = READER.readHead(in);
        Http1Framing framing = Http1Framing.ofResponse(method, head.status(), head.headers());
        return Bodies.readAll(Bodies.open(in, framing, Http1Limits.defaults(), Long.MAX_VALUE), 3);
    }

    @Test
    void aResponseToHeadHasNoBodyWhateverItsFieldsSay() throws Exception {
        assertEquals(Http1Framing.NONE, framing(Method.HEAD, 200, "Content-Length", "5"));
        assertEquals(Http1Framing.NONE, framing(Method.HEAD, 200, "Transfer-Encoding", "chunked"));
        assertEquals(Http1Framing.NONE, framing(Method.HEAD, 200, "Content-Length", "x", "Transfer-Encoding", "y"));
    }

    @ParameterizedTest
    @ValueSource(ints = {100, 101, 103, 199, 204, 304})
    void informationalNoContentAndNotModifiedResponsesHaveNoBody(int code) throws Exception {
        assertEquals(Http1Framing.NONE, framing(Method.GET, code, "Content-Length", "5"));
        assertEquals(Http1Framing.NONE, framing(Method.GET, code, "Transfer-Encoding", "chunked"));
    }

    @Test
    void aSuccessfulConnectResponseStartsATunnel() throws Exception {
        assertEquals(Http1Framing.UNTIL_CLOSE, framing(Method.CONNECT, 200, "Content-Length", "5"));
        assertEquals(Http1Framing.UNTIL_CLOSE, framing(Method.CONNECT, 299));
        assertEquals(new Http1Framing.FixedLength(5), framing(Method.CONNECT, 407, "Content-Length", "5"));
    }

    @Test
    void readsAChunkedResponse() throws Exception {
        Bodies.Body body = exchange(Method.GET, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n0\r\nX-Sum: 1\r\n\r\n");

        assertEquals(new Bodies.Body("hello", Headers.of("X-Sum", "1")), body);
    }

    @Test
    void readsAFixedLengthResponseAndNothingAfterIt() throws Exception {
        String rest = Feeding.read("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloHTTP/1.1", in -> {
            assertEquals("hello", readResponse(Method.GET, in).content());
            return Feeding.rest(in);
        });

        assertEquals("HTTP/1.1", rest);
        assertEquals(Http1Framing.NONE, framing(Method.GET, 200, "Content-Length", "0"));
    }

    @Test
    void readsAResponseWithoutFramingFieldsUntilTheConnectionCloses() throws Exception {
        assertEquals(Http1Framing.UNTIL_CLOSE, framing(Method.GET, 200));
        assertEquals(new Bodies.Body("all of\r\nthis", Headers.empty()),
                exchange(Method.GET, "HTTP/1.0 200 OK\r\n\r\nall of\r\nthis"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "identity", "x-custom;a=b", "gzip, br"})
    void readsAResponseWhoseCodingsDoNotEndInChunkedUntilTheConnectionCloses(String codings) throws Exception {
        assertEquals(Http1Framing.UNTIL_CLOSE, framing(Method.GET, 200, "Transfer-Encoding", codings));
        assertEquals(new Bodies.Body("0\r\n\r\n", Headers.empty()),
                exchange(Method.GET, "HTTP/1.1 200 OK\r\nTransfer-Encoding: " + codings + "\r\n\r\n0\r\n\r\n"));
    }

    @Test
    void rejectsACodingBeforeChunked() {
        UnsupportedTransferCodingException e = assertThrows(UnsupportedTransferCodingException.class,
                () -> framing(Method.GET, 200, "Transfer-Encoding", "gzip, chunked"));

        assertEquals("transfer coding 'gzip' is not supported", e.getMessage());
    }

    @Test
    void rejectsChunkedTwiceOrNotLast() {
        MalformedMessageException twice = assertThrows(MalformedMessageException.class,
                () -> framing(Method.GET, 200, "Transfer-Encoding", "chunked", "Transfer-Encoding", "chunked"));
        assertEquals("chunked transfer coding applied more than once", twice.getMessage());
        MalformedMessageException notLast = assertThrows(MalformedMessageException.class,
                () -> framing(Method.GET, 200, "Transfer-Encoding", "chunked, gzip"));
        assertEquals("chunked is not the final transfer coding", notLast.getMessage());
    }

    @Test
    void rejectsTransferEncodingWithContentLength() {
        assertRejected(MalformedMessageException.class, 400, "response has both Transfer-Encoding and Content-Length",
                "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\nhello",
                in -> readResponse(Method.GET, in));
    }

    @Test
    void rejectsABadOrConflictingContentLength() {
        MalformedMessageException bad = assertThrows(MalformedMessageException.class,
                () -> framing(Method.GET, 200, "Content-Length", "-1"));
        assertEquals("invalid Content-Length: '-1'", bad.getMessage());
        MalformedMessageException conflicting = assertThrows(MalformedMessageException.class,
                () -> framing(Method.GET, 200, "Content-Length", "1", "Content-Length", "2"));
        assertEquals("differing Content-Length values: 1 and 2", conflicting.getMessage());
    }

    @Test
    void rejectsAMalformedTransferEncoding() {
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> framing(Method.GET, 200, "Transfer-Encoding", "chunked;x=1"));

        assertEquals("chunked transfer coding takes no parameters: 'chunked;x=1'", e.getMessage());
    }
}
