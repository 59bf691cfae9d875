package dev.wisp.http1;

import static dev.wisp.http1.Feeding.assertRejected;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.wisp.core.Ascii;
import dev.wisp.core.Headers;
import dev.wisp.core.MalformedMessageException;
import dev.wisp.core.MessageTooLargeException;
import dev.wisp.core.RequestHead;
import dev.wisp.core.WireInput;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The header section of a request, as {@link Http1RequestReader} reads it with {@link FieldSectionReader}. */
class Http1HeaderSectionTest {
    private static final Http1RequestReader READER = new Http1RequestReader(Http1Limits.defaults());

    private static Headers headers(String fieldLines) throws IOException {
        return Feeding.read("GET / HTTP/1.1\r\nHost: h\r\n" + fieldLines + "\r\n", READER::readHead).headers();
    }

    private static void assertMalformed(String message, String fieldLines) {
        assertRejected(MalformedMessageException.class, 400, message, "GET / HTTP/1.1\r\n" + fieldLines + "\r\n",
                READER::readHead);
    }

    @Test
    void keepsFieldsInOrderWithRepeatedNames() throws Exception {
        Headers headers = headers("Accept: a\r\nX-Other: 1\r\naccept: b\r\n");

        assertEquals(Headers.of("Host", "h", "Accept", "a", "X-Other", "1", "accept", "b"), headers);
        assertEquals(List.of("a", "b"), headers.all("ACCEPT"));
    }

    @Test
    void sharesTheStringsOfCommonNamesAndKeepsTheirSpelling() throws Exception {
        Headers headers = headers("content-length: 0\r\nCONTENT-LENGTH: 0\r\n");

        assertSame("Host", headers.name(0));
        assertSame("content-length", headers.name(1));
        assertEquals("CONTENT-LENGTH", headers.name(2));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "X:v|v",
        "X: v|v",
        "X:  \t v \t |v",
        "X:|''",
        "X:   |''",
        "X: a  b\tc|a  b\tc",
        "X: \"quoted, with comma\"|\"quoted, with comma\"",
        "X: caf\u00e9\u00ff\u0080|caf\u00e9\u00ff\u0080",
    })
    void trimsOptionalWhitespaceAroundValues(String line, String value) throws Exception {
        assertEquals(value, headers(line + "\r\n").firstOrNull("X"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"X : v", "X\t: v", "Transfer-Encoding : chunked", "Content-Length\t: 5"})
    void rejectsWhitespaceBetweenNameAndColon(String line) {
        assertMalformed("whitespace between field name and colon in header section: '" + Ascii.escape(line) + "'",
                "Host: h\r\n" + line + "\r\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {" folded", "\tfolded", "  "})
    void rejectsObsoleteLineFolding(String continuation) {
        assertMalformed("obsolete line folding in header section: '" + Ascii.escape(continuation) + "'",
                "Host: h\r\nX: a\r\n" + continuation + "\r\n");
    }

    @Test
    void rejectsWhitespaceBeforeTheFirstField() {
        assertMalformed("obsolete line folding in header section: ' Host: h'", " Host: h\r\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {": v", ":"})
    void rejectsAnEmptyName(String line) {
        assertMalformed("empty field name in header section: '" + line + "'", "Host: h\r\n" + line + "\r\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"NoColon", "X(Y): v", "X/Y: v", "X\u0000: v", "X\u00e9: v", "\"X\": v", "X@Y: v"})
    void rejectsANameThatIsNotAToken(String line) {
        assertMalformed("malformed field line in header section: '" + Ascii.escape(line) + "'",
                "Host: h\r\n" + line + "\r\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"X: a\u0000b", "X: a\u0001", "X: \u001fb", "X: a\u007fb", "X: a\u000bb", "X: a\u000cb",
        "X: \u0000"})
    void rejectsControlCharactersInValues(String line) {
        assertMalformed("control character in the value of X in header section", "Host: h\r\n" + line + "\r\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"X: a\rb", "X: a\r", "X: \r", "X: \rb"})
    void rejectsABareCrInAValue(String line) {
        assertMalformed("bare CR in the value of X in header section", "Host: h\r\n" + line + "\r\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"X\r: v", "\rX: v", "\r", "X\rY: v"})
    void rejectsABareCrInAName(String line) {
        assertMalformed("bare CR in header section", "Host: h\r\n" + line + "\r\n");
    }

    @Test
    void rejectsAHeaderSectionOverMaxHeaderBytesWith431() {
        Http1RequestReader reader = new Http1RequestReader(new Http1Limits(8192, 64, 100, 1024));

        MessageTooLargeException e = assertRejected(MessageTooLargeException.class, 431,
                "header section exceeds 64 bytes (maxHeaderBytes)",
                "GET / HTTP/1.1\r\nHost: h\r\n" + "X: 0123456789\r\n".repeat(4) + "\r\n", reader::readHead);
        assertEquals("maxHeaderBytes", e.limitName());
        assertEquals(64, e.limit());
    }

    @Test
    void acceptsFieldLinesThatFillMaxHeaderBytesExactly() throws Exception {
        Http1RequestReader reader = new Http1RequestReader(new Http1Limits(8192, 64, 100, 1024));
        String fields = "Host: h\r\n" + "X: 0123456789\r\n".repeat(3) + "Y: 01234\r\n";
        assertEquals(64, fields.length());

        RequestHead head = Feeding.read("GET / HTTP/1.1\r\n" + fields + "\r\n", reader::readHead);
        assertEquals(5, head.headers().size());
    }

    @Test
    void rejectsASingleFieldLineLongerThanMaxHeaderBytes() {
        Http1RequestReader reader = new Http1RequestReader(new Http1Limits(8192, 64, 100, 1024));

        assertRejected(MessageTooLargeException.class, 431, "header section exceeds 64 bytes (maxHeaderBytes)",
                "GET / HTTP/1.1\r\nHost: h\r\nX: " + "v".repeat(100), reader::readHead);
    }

    @Test
    void rejectsMoreThanMaxHeaderCountFieldsWith431() throws Exception {
        Http1RequestReader reader = new Http1RequestReader(new Http1Limits(8192, 16384, 3, 1024));
        assertEquals(3, Feeding.read("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\n\r\n", reader::readHead)
                .headers().size());

        MessageTooLargeException e = assertRejected(MessageTooLargeException.class, 431,
                "header section has more than 3 fields (maxHeaderCount)",
                "GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", reader::readHead);
        assertEquals("maxHeaderCount", e.limitName());
        assertEquals(3, e.limit());
    }

    /** The limit that holds for one field is maxHeaderBytes, as over HTTP/2, not the read buffer's size. */
    @Test
    void readsAFieldLineLongerThanTheInputBufferUpToMaxHeaderBytes() throws Exception {
        Http1RequestReader reader = new Http1RequestReader(new Http1Limits(100, 400, 100, 100));
        String value = "v".repeat(400 - "Host: h\r\n".length() - "X: \r\n".length());
        byte[] wire = Ascii.bytes("GET / HTTP/1.1\r\nHost: h\r\nX: " + value + "\r\n\r\nGET /next");
        for (WireInput in : List.of(Feeding.oneByteAtATime(wire, 128), Feeding.stream(wire, 128))) {
            assertEquals(value, reader.readHead(in).headers().firstOrNull("X"));
            assertEquals("GET /next", Feeding.rest(in));
            assertEquals(128, in.capacity(), "the buffer grown for the field is let go once it is read");
        }

        byte[] past = Ascii.bytes("GET / HTTP/1.1\r\nHost: h\r\nX: " + value + "v\r\n\r\n");
        for (WireInput in : List.of(Feeding.oneByteAtATime(past, 128), Feeding.stream(past, 128))) {
            MessageTooLargeException e = assertThrows(MessageTooLargeException.class, () -> reader.readHead(in));
            assertEquals(431, e.status().code());
            assertEquals("maxHeaderBytes", e.limitName());
            assertEquals("header section exceeds 400 bytes (maxHeaderBytes)", e.getMessage());
        }
    }

    @Test
    void readsLinesThatFillTheInputBufferExactly() throws Exception {
        String value = "v".repeat(128 - "X: \r\n".length());
        byte[] wire = Ascii.bytes("GET / HTTP/1.1\r\nHost: h\r\nX: " + value + "\r\n\r\n");

        assertEquals(value, READER.readHead(Feeding.oneByteAtATime(wire, 128)).headers().firstOrNull("X"));
        assertEquals(value, READER.readHead(Feeding.stream(wire, 128)).headers().firstOrNull("X"));
    }

    @Test
    void requiresHostInHttp11() {
        assertMalformed("HTTP/1.1 request has no Host header field", "Accept: */*\r\n");
    }

    @Test
    void acceptsARequestWithoutHostInHttp10() throws Exception {
        RequestHead head = Feeding.read("GET / HTTP/1.0\r\n\r\n", READER::readHead);

        assertEquals(Headers.empty(), head.headers());
    }

    @ParameterizedTest
    @ValueSource(strings = {"HTTP/1.0", "HTTP/1.1"})
    void rejectsSeveralHostFieldsInAnyVersion(String version) {
        assertRejected(MalformedMessageException.class, 400, "request has 2 Host header fields",
                "GET / " + version + "\r\nHost: a\r\nhost: a\r\n\r\n", READER::readHead);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a b", "a/b", "a?b", "a#b", "user@host", "a\\b", "a\"b", "a<b", "a{b", "a|b", "a^b", "a`b",
        "caf\u00e9", "x:abc", "::1", "[::1", "x:1:2", "[zz]", "x:65536"})
    void rejectsAnInvalidHost(String host) {
        assertMalformed("invalid Host header field: '" + Ascii.escape(host) + "'", "Host: " + host + "\r\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"example.com", "example.com:8080", "[::1]:80", "127.0.0.1", "xn--caf-dma.example", ""})
    void acceptsAValidOrEmptyHost(String host) throws Exception {
        RequestHead head = Feeding.read("GET / HTTP/1.1\r\nHost: " + host + "\r\n\r\n", READER::readHead);

        assertEquals(host, head.headers().firstOrNull("Host"));
    }
}
