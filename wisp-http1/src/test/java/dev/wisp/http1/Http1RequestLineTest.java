package dev.wisp.http1;

import static dev.wisp.http1.Feeding.assertRejected;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.wisp.core.Ascii;
import dev.wisp.core.Headers;
import dev.wisp.core.MalformedMessageException;
import dev.wisp.core.MessageTooLargeException;
import dev.wisp.core.Method;
import dev.wisp.core.RequestHead;
import dev.wisp.core.RequestTarget;
import dev.wisp.core.UnsupportedVersionException;
import dev.wisp.core.Version;
import java.io.EOFException;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The request line of {@link Http1RequestReader}: method, target forms, version, and its limit. */
class Http1RequestLineTest {
    private static final Http1RequestReader READER = new Http1RequestReader(Http1Limits.defaults());

    private static RequestHead read(String wire) throws IOException {
        return Feeding.read(wire, READER::readHead);
    }

    private static void assertMalformed(String message, String wire) {
        assertRejected(MalformedMessageException.class, 400, message, wire, READER::readHead);
    }

    @Test
    void readsAnOriginFormRequestAndLeavesTheBodyUnread() throws Exception {
        String rest = Feeding.read("GET /a/b?c=d HTTP/1.1\r\nHost: example.com\r\n\r\nbody", in -> {
            RequestHead head = READER.readHead(in);
            assertSame(Method.GET, head.method());
            assertEquals(RequestTarget.Form.ORIGIN, head.target().form());
            assertEquals("/a/b", head.target().path());
            assertEquals(Optional.of("c=d"), head.target().rawQuery());
            assertEquals(Version.HTTP_1_1, head.version());
            assertEquals(Headers.of("Host", "example.com"), head.headers());
            return Feeding.rest(in);
        });

        assertEquals("body", rest);
    }

    /** A request line the reader refuses stays in the input, so a log can tell what arrived of it. */
    @Test
    void leavesARefusedRequestLineToBeToldAsItArrived() throws Exception {
        Http1RequestReader reader = new Http1RequestReader(new Http1Limits(16, 8192, 100, 1024));
        for (String wire : List.of("GET / HTTP/3.0\r\nHost: h\r\n\r\n", "\r\nG\u00c9T\t/ HTTP/1.1\nHost: h\r\n\r\n",
                "GET /0123456789abcdef HTTP/1.1\r\n\r\n")) {
            String told = Feeding.read(wire, in -> {
                assertThrows(IOException.class, () -> reader.readRequestLine(in));
                return reader.receivedLine(in);
            });
            assertEquals(wire.strip().lines().findFirst().orElseThrow().substring(0, Math.min(16,
                    wire.strip().lines().findFirst().orElseThrow().length())), told, wire);
        }
    }

    @Test
    void readsTheLineAndThenTheRestOfTheHeadInTwoSteps() throws Exception {
        RequestHead head = Feeding.read("OPTIONS * HTTP/1.0\r\n\r\n", in -> {
            Http1RequestLine line = READER.readRequestLine(in);
            assertEquals("OPTIONS * HTTP/1.0", line.toString());
            return READER.readHead(in, line);
        });
        assertEquals(RequestTarget.Form.ASTERISK, head.target().form());
    }

    @Test
    void readsPipelinedRequestsOneAfterTheOther() throws Exception {
        List<String> paths = Feeding.read("GET /1 HTTP/1.1\r\nHost: h\r\n\r\nGET /2 HTTP/1.1\r\nHost: h\r\n\r\n",
                in -> List.of(READER.readHead(in).target().path(), READER.readHead(in).target().path()));

        assertEquals(List.of("/1", "/2"), paths);
    }

    @Test
    void readsAnAbsoluteFormRequest() throws Exception {
        RequestHead head = read("GET http://example.com:8080/x?y HTTP/1.1\r\nHost: other\r\n\r\n");

        assertEquals(RequestTarget.Form.ABSOLUTE, head.target().form());
        assertEquals(Optional.of("example.com:8080"), head.target().authority());
        assertEquals("/x", head.target().path());
    }

    @Test
    void readsAConnectRequestInAuthorityForm() throws Exception {
        RequestHead head = read("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n");

        assertSame(Method.CONNECT, head.method());
        assertEquals(RequestTarget.Form.AUTHORITY, head.target().form());
        assertEquals(Optional.of("example.com:443"), head.target().authority());
    }

    @Test
    void rejectsAConnectRequestWithoutAuthorityForm() {
        assertMalformed("CONNECT target '/' is not host:port", "CONNECT / HTTP/1.1\r\nHost: h\r\n\r\n");
        assertMalformed("CONNECT target 'http://h:1/' has a bad port",
                "CONNECT http://h:1/ HTTP/1.1\r\nHost: h\r\n\r\n");
    }

    @Test
    void readsAServerWideOptionsRequest() throws Exception {
        RequestHead head = read("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n");

        assertSame(Method.OPTIONS, head.method());
        assertEquals(RequestTarget.Form.ASTERISK, head.target().form());
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET", "POST", "options", "CONNECT"})
    void rejectsTheAsteriskFormWithOtherMethods(String method) {
        assertMalformed(method.equals("CONNECT") ? "CONNECT target '*' is not host:port"
                : "asterisk-form target is only allowed with OPTIONS, not " + method,
                method + " * HTTP/1.1\r\nHost: h\r\n\r\n");
    }

    @Test
    void rejectsATargetInNoKnownForm() {
        assertMalformed("request target 'example.com' is not in origin, absolute or asterisk form",
                "GET example.com HTTP/1.1\r\nHost: h\r\n\r\n");
        assertMalformed("request path climbs above the root: '/../etc/passwd'",
                "GET /../etc/passwd HTTP/1.1\r\nHost: h\r\n\r\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"get", "Get", "PROPFIND", "M-SEARCH", "X!#$%&'*+.^_`|~1"})
    void acceptsAnyTokenAsMethodCaseSensitively(String name) throws Exception {
        Method method = read(name + " / HTTP/1.1\r\nHost: h\r\n\r\n").method();

        assertEquals(name, method.name());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "G(T / HTTP/1.1|method is not a token: 'G(T'",
        "G\"T / HTTP/1.1|method is not a token: 'G\"T'",
        "GÉT / HTTP/1.1|method is not a token: 'G\\xc9T'",
    })
    void rejectsAMethodThatIsNotAToken(String line, String message) {
        assertMalformed(message, line + "\r\nHost: h\r\n\r\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET  / HTTP/1.1", "GET /  HTTP/1.1", " GET / HTTP/1.1", "GET / HTTP/1.1 ", "GET /",
        "GET / HTTP/1.1 extra", "GET", "GET\t/\tHTTP/1.1"})
    void rejectsARequestLineWithoutExactlyTwoSingleSpaces(String line) {
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> read(line + "\r\nHost: h\r\n\r\n"));

        assertEquals(400, e.status().code());
    }

    @Test
    void namesTheFaultInARequestLineWithDoubleSpaces() {
        assertMalformed("malformed request line: 'GET  / HTTP/1.1'", "GET  / HTTP/1.1\r\nHost: h\r\n\r\n");
        assertMalformed("malformed HTTP version in request line: 'GET /  HTTP/1.1'",
                "GET /  HTTP/1.1\r\nHost: h\r\n\r\n");
        assertMalformed("malformed request line: 'GET'", "GET\r\nHost: h\r\n\r\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a\u0000b", "/a\u007fb", "/\u00e9", "/a\u000bb"})
    void rejectsControlAndNonAsciiBytesInTheTarget(String target) {
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> read("GET " + target + " HTTP/1.1\r\nHost: h\r\n\r\n"));

        assertEquals("request target has a control, space or non-ASCII byte: 'GET "
                + Ascii.escape(target) + " HTTP/1.1'", e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"HTTP/1.0, HTTP_1_0", "HTTP/1.1, HTTP_1_1", "HTTP/1.2, HTTP_1_1", "HTTP/1.9, HTTP_1_1"})
    void answersAnyHttp1MinorVersionAsTheHighestWeSpeak(String text, Version version) throws Exception {
        assertEquals(version, read("GET / " + text + "\r\nHost: h\r\n\r\n").version());
    }

    @ParameterizedTest
    @ValueSource(strings = {"HTTP/2.0", "HTTP/3.0", "HTTP/0.9", "HTTP/9.9"})
    void rejectsOtherMajorVersionsWith505(String version) {
        assertRejected(UnsupportedVersionException.class, 505, "HTTP version '" + version + "' is not supported",
                "GET / " + version + "\r\nHost: h\r\n\r\n", READER::readHead);
    }

    @ParameterizedTest
    @ValueSource(strings = {"HTTP/2", "HTTP/1.10", "HTTP/11", "http/1.1", "HTTP/1,1", "HTTP/a.1", "HTTP/1.a",
        "HTTPS/1.1", "HTTP/+.1", "HTTP 1.1", "HTTP/1.1\u0000"})
    void rejectsMalformedVersionsWith400(String version) {
        assertMalformed("malformed HTTP version in request line: 'GET / "
                + Ascii.escape(version) + "'", "GET / " + version + "\r\nHost: h\r\n\r\n");
    }

    @Test
    void skipsAFewEmptyLinesBeforeTheRequestLine() throws Exception {
        RequestHead head = read("\r\n\n\r\n\nGET / HTTP/1.1\r\nHost: h\r\n\r\n");

        assertEquals("/", head.target().path());
    }

    @Test
    void rejectsManyEmptyLinesBeforeTheRequestLine() {
        assertMalformed("too many empty lines before the request line", "\r\n".repeat(5) + "GET / HTTP/1.1\r\n\r\n");
    }

    @Test
    void acceptsBareLfAsLineEnd() throws Exception {
        RequestHead head = read("GET / HTTP/1.1\nHost: h\nAccept: */*\r\n\n");

        assertEquals(Headers.of("Host", "h", "Accept", "*/*"), head.headers());
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET /\r HTTP/1.1", "GET\r/ HTTP/1.1", "GET / HTTP/1.1\r\r", "\rGET / HTTP/1.1"})
    void rejectsABareCrInTheRequestLine(String line) {
        assertMalformed("bare CR in request line", line + "\nHost: h\r\n\r\n");
    }

    @Test
    void rejectsABareCrUsedAsLineEnd() {
        assertThrows(EOFException.class, () -> read("GET / HTTP/1.1\rHost: h\r\r"));
        assertMalformed("bare CR in request line", "GET / HTTP/1.1\rHost: h\r\n\r\n");
    }

    @Test
    void rejectsARequestLineOverTheLimitWith414() {
        Http1RequestReader reader = new Http1RequestReader(new Http1Limits(32, 16384, 100, 1024));
        String atLimit = "GET /" + "a".repeat(18) + " HTTP/1.1";
        assertEquals(32, atLimit.length());

        assertRejected(MalformedMessageException.class, 400, "HTTP/1.1 request has no Host header field",
                atLimit + "\r\n\r\n", reader::readHead);
        MessageTooLargeException e = assertRejected(MessageTooLargeException.class, 414,
                "request line exceeds 32 bytes (maxRequestLineBytes)", "GET /" + "a".repeat(19) + " HTTP/1.1\r\n\r\n",
                reader::readHead);
        assertEquals("maxRequestLineBytes", e.limitName());
        assertEquals(32, e.limit());
    }

    @Test
    void rejectsAnEndlessRequestLineBeforeItEnds() {
        assertRejected(MessageTooLargeException.class, 414, "request line exceeds 8192 bytes (maxRequestLineBytes)",
                "GET /" + "a".repeat(9000), READER::readHead);
    }

    @Test
    void reportsTheEndOfTheStreamBeforeOrInsideTheHead() {
        EOFException empty = assertThrows(EOFException.class, () -> read(""));
        assertEquals("stream ended before a line started", empty.getMessage());
        EOFException partial = assertThrows(EOFException.class, () -> read("GET / HTTP/1.1\r\nHost: h\r\n"));
        assertEquals("stream ended before a line started", partial.getMessage());
        EOFException inLine = assertThrows(EOFException.class, () -> read("GET / HTTP/1.1"));
        assertEquals("stream ended in the middle of a line", inLine.getMessage());
    }
}
