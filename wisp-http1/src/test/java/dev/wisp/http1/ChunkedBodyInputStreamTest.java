package dev.wisp.http1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.core.Ascii;
import dev.wisp.core.Headers;
import dev.wisp.core.HttpProtocolException;
import dev.wisp.core.MalformedMessageException;
import dev.wisp.core.MessageTooLargeException;
import dev.wisp.core.WireInput;
import java.io.EOFException;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Decoding chunked bodies (RFC 9112 §7.1), fed every way and read in single bytes, small and large reads. */
class ChunkedBodyInputStreamTest {
    private static final Http1Limits LIMITS = Http1Limits.defaults();

    private static Bodies.Body decode(String wire) throws IOException {
        return decode(wire, LIMITS, Long.MAX_VALUE);
    }

    /** Decodes with single-byte, small and buffer-bypassing reads, which must all agree. */
    private static Bodies.Body decode(String wire, Http1Limits limits, long maxBodyBytes) throws IOException {
        Bodies.Body body = null;
        for (int readSize : new int[] {1, 7, 2 * Feeding.BUFFER_SIZE}) {
            Bodies.Body decoded = Feeding.read(wire,
                    in -> Bodies.readAll(new ChunkedBodyInputStream(in, limits, maxBodyBytes), readSize));
            if (body != null) {
                assertEquals(body, decoded, "reads of " + readSize + " bytes");
            }
            body = decoded;
        }
        return body;
    }

    private static <E extends HttpProtocolException> E assertRejected(Class<E> type, int status, String message,
            String wire, Http1Limits limits, long maxBodyBytes) {
        return Feeding.assertRejected(type, status, message, () -> decode(wire, limits, maxBodyBytes));
    }

    private static void assertMalformed(String message, String wire) {
        assertRejected(MalformedMessageException.class, 400, message, wire, LIMITS, Long.MAX_VALUE);
    }

    /** Whether a chunked body over these bytes, all of them in the buffer, tells its rest is buffered. */
    private static boolean restBuffered(String wire) {
        return new ChunkedBodyInputStream(WireInput.of(Ascii.bytes(wire)), LIMITS, Long.MAX_VALUE).isRestBuffered();
    }

    @ParameterizedTest
    @ValueSource(strings = {"5\r\nhello\r\n0\r\n\r\n", "5\r\nhello\r\n0\r\n\r\nGET / HTTP/1.1",
            "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Sum: 1\r\nX-Other: 2\r\n\r\n", "5\nhello\n0\n\n",
            "0\r\n\r\n"})
    void tellsARestThatIsWhollyBufferedWithoutReadingIt(String wire) throws Exception {
        assertTrue(restBuffered(wire));
        WireInput in = WireInput.of(Ascii.bytes(wire));
        ChunkedBodyInputStream body = new ChunkedBodyInputStream(in, LIMITS, Long.MAX_VALUE);
        assertEquals(wire.length(), in.buffered(), "nothing read");
        body.read();
        assertTrue(body.isRestBuffered(), "after a byte of it");
        Bodies.readAll(body, 3);
        assertTrue(body.isRestBuffered(), "at its end");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "5", "5\r\nhel", "5\r\nhello", "5\r\nhello\r\n", "5\r\nhello\r\n0\r\n",
            "5\r\nhello\r\n0\r\nX-Sum: 1\r\n", "5\r\nhello\r\n0\r\nX-Sum: 1", "ff\r\nshort\r\n0\r\n\r\n"})
    void tellsARestThatHasYetToComeAsNotBuffered(String wire) {
        assertFalse(restBuffered(wire));
    }

    @Test
    void decodesChunksAndLeavesWhatFollowsForTheNextMessage() throws Exception {
        String rest = Feeding.read("5\r\nhello\r\n6\r\n world\r\n0\r\n\r\nGET", in -> {
            ChunkedBodyInputStream body = new ChunkedBodyInputStream(in, LIMITS, Long.MAX_VALUE);
            assertFalse(body.isFinished());
            assertEquals(new Bodies.Body("hello world", Headers.empty()), Bodies.readAll(body, 4));
            assertTrue(body.isFinished());
            assertEquals(-1, body.read());
            assertEquals(-1, body.length());
            return Feeding.rest(in);
        });

        assertEquals("GET", rest);
    }

    @Test
    void decodesAnEmptyBody() throws Exception {
        assertEquals(new Bodies.Body("", Headers.empty()), decode("0\r\n\r\n"));
    }

    @ParameterizedTest
    @CsvSource({"a, 0123456789", "A, 0123456789", "0a, 0123456789", "00000000000000000000000a, 0123456789",
        "1f, 0123456789012345678901234567890", "1F, 0123456789012345678901234567890"})
    void readsSizesInHexOfEitherCaseWithLeadingZeros(String size, String data) throws Exception {
        assertEquals(data, decode(size + "\r\n" + data + "\r\n000\r\n\r\n").content());
    }

    @Test
    void readsAChunkLargerThanTheInputBuffer() throws Exception {
        String data = "0123456789".repeat(300);

        assertEquals(data + "!", decode(Integer.toHexString(data.length()) + "\r\n" + data + "\r\n1\r\n!\r\n0\r\n\r\n")
                .content());
    }

    @ParameterizedTest
    @ValueSource(strings = {";a", ";a=b", " ;a=b", "\t; a = b ;c", ";a=\"quoted ; \\\" value\"", ";a=\"\"", ";a=b;c=d",
        ";!#$%&'*+-.^_`|~=x", ";a=\"caf\u00e9\"", ";a=\"tab\there\"", " ", "\t \t"})
    void ignoresWellFormedExtensionsAndWhitespaceAfterTheSize(String extensions) throws Exception {
        assertEquals("hello", decode("5" + extensions + "\r\nhello\r\n0" + extensions + "\r\n\r\n").content());
    }

    @ParameterizedTest
    @ValueSource(strings = {";", "; ", ";=b", ";a=", ";a= ", ";a=\"open", ";a b", "x", ";a=b c", ";a=\"\u0000\"",
        ";a=\"x\\", ";a=\"\u007f\"", ";a=b;", ";a=\"x\"y", ",a", ";a=\"x\\\u0001\"", ";a=(b)", ";a=b=c", ";a\u0000"})
    void rejectsMalformedExtensions(String extensions) {
        assertMalformed("malformed chunk-size line: '5" + Ascii.escape(extensions) + "'",
                "5" + extensions + "\r\nhello\r\n0\r\n\r\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"zz", "", "-1", " 5", "+5", "\t5", ";a=b", "g", "\u00e5"})
    void rejectsASizeThatIsNotHexadecimal(String size) {
        assertMalformed("chunk size '" + Ascii.escape(size) + "' is not hexadecimal", size + "\r\nhello\r\n0\r\n\r\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0x5", "5x", "5.0", "5_0", "5\u0000", "5\r"})
    void rejectsASizeFollowedByOtherCharacters(String size) {
        assertMalformed("malformed chunk-size line: '" + Ascii.escape(size) + "'", size + "\r\nhello\r\n0\r\n\r\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ffffffffffffffffff", "10000000000000000", "8000000000000000", "0ffffffffffffffff0"})
    void rejectsASizeThatOverflows(String size) {
        assertMalformed("chunk size '" + size + "' is too large", size + "\r\nhello\r\n0\r\n\r\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"5\r\nhelloX\r\n0\r\n\r\n", "5\r\nhello0\r\n\r\n", "5\r\nhello\r0\r\n\r\n",
        "5\r\nhello world\r\n0\r\n\r\n", "3\r\nhello\r\n0\r\n\r\n", "5\r\nhello\r\r\n0\r\n\r\n"})
    void rejectsChunkDataNotFollowedByCrlf(String wire) {
        assertMalformed("chunk data is not followed by CRLF", wire);
    }

    @Test
    void acceptsBareLfAfterChunkDataAndSizeLines() throws Exception {
        assertEquals("hello", decode("5\nhello\n0\n\n").content());
    }

    @Test
    void exposesTrailersOnceTheBodyHasBeenRead() throws Exception {
        Headers trailers = Feeding.read("3\r\nabc\r\n0\r\nX-Checksum: 1\r\nx-checksum: 2\r\nServer-Timing: a\r\n\r\n",
                in -> {
                    ChunkedBodyInputStream body = new ChunkedBodyInputStream(in, LIMITS, Long.MAX_VALUE);
                    assertEquals('a', body.read());
                    assertEquals(Headers.empty(), body.trailers());
                    Bodies.readAll(body, 1);
                    return body.trailers();
                });

        assertEquals(Headers.of("X-Checksum", "1", "x-checksum", "2", "Server-Timing", "a"), trailers);
    }

    @Test
    void dropsTrailerFieldsThatHaveNoPlaceInTrailersAndKeepsTheRest() throws Exception {
        Bodies.Body body = decode("3\r\nabc\r\n0\r\nContent-Length: 50\r\nX-Checksum: 1\r\n"
                + "Transfer-Encoding: chunked\r\nHost: evil\r\nConnection: close, X-Hop\r\nX-Hop: 1\r\n"
                + "Authorization: Basic eA==\r\nSet-Cookie: evil=1\r\nX-Forwarded-For: 6.6.6.6\r\n\r\n");

        assertEquals(new Bodies.Body("abc", Headers.of("X-Checksum", "1", "X-Forwarded-For", "6.6.6.6")), body);
    }

    @Test
    void readsTrailersWithTheHeaderRules() {
        assertMalformed("obsolete line folding in trailer section: ' folded'", "0\r\nX: a\r\n folded\r\n\r\n");
        assertMalformed("control character in the value of X in trailer section", "0\r\nX: a\u0001\r\n\r\n");
        assertMalformed("whitespace between field name and colon in trailer section: 'X : a'",
                "0\r\nX : a\r\n\r\n");
    }

    @Test
    void rejectsATrailerSectionOverMaxHeaderBytesWith431() throws Exception {
        Http1Limits limits = new Http1Limits(8192, 16, 100, 1024);
        assertEquals(Headers.of("X", "0123456789a"), decode("0\r\nX: 0123456789a\r\n\r\n", limits, 100).trailers());

        MessageTooLargeException e = assertRejected(MessageTooLargeException.class, 431,
                "trailer section exceeds 16 bytes (maxHeaderBytes)", "0\r\nX: 0123456789ab\r\n\r\n", limits, 100);
        assertEquals("maxHeaderBytes", e.limitName());
    }

    @Test
    void rejectsResponseTrailersOverTheLimitAsABadGateway() {
        Http1Limits limits = new Http1Limits(8192, 16, 100, 1024);

        MessageTooLargeException e = Feeding.assertRejected(MessageTooLargeException.class, 502,
                "trailer section exceeds 16 bytes (maxHeaderBytes)", () -> Feeding.read("0\r\nX: 0123456789ab\r\n\r\n",
                        in -> Bodies.readAll(ChunkedBodyInputStream.ofResponse(in, limits), 7)));
        assertEquals("maxHeaderBytes", e.limitName());
    }

    @Test
    void rejectsMoreThanMaxHeaderCountTrailersWith431() throws Exception {
        Http1Limits limits = new Http1Limits(8192, 16384, 2, 1024);
        assertEquals(2, decode("0\r\nA: 1\r\nB: 2\r\n\r\n", limits, 100).trailers().size());

        MessageTooLargeException e = assertRejected(MessageTooLargeException.class, 431,
                "trailer section has more than 2 fields (maxHeaderCount)", "0\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", limits,
                100);
        assertEquals("maxHeaderCount", e.limitName());
    }

    @Test
    void rejectsABodyOverMaxBodyBytesWith413BeforeReadingIt() throws Exception {
        assertEquals("0123456789", decode("3\r\n012\r\n7\r\n3456789\r\n0\r\n\r\n", LIMITS, 10).content());

        MessageTooLargeException e = assertRejected(MessageTooLargeException.class, 413,
                "chunked body exceeds 10 bytes (maxRequestBodyBytes)", "3\r\n012\r\n8\r\n3456789", LIMITS, 10);
        assertEquals("maxRequestBodyBytes", e.limitName());
        assertEquals(10, e.limit());
        assertRejected(MessageTooLargeException.class, 413, "chunked body exceeds 0 bytes (maxRequestBodyBytes)",
                "1\r\nx\r\n0\r\n\r\n", LIMITS, 0);
    }

    @Test
    void rejectsAChunkSizeLineOverMaxChunkLineBytes() {
        Http1Limits limits = new Http1Limits(8192, 16384, 100, 16);
        String atLimit = "5;name=" + "v".repeat(9);
        assertEquals(16, atLimit.length());

        assertMalformed("chunk data is not followed by CRLF", atLimit + "\r\nhello0\r\n\r\n");
        assertRejected(MessageTooLargeException.class, 400, "chunk-size line exceeds 16 bytes (maxChunkLineBytes)",
                atLimit + "v\r\nhello\r\n0\r\n\r\n", limits, 100);
        assertRejected(MessageTooLargeException.class, 400, "chunk-size line exceeds 16 bytes (maxChunkLineBytes)",
                "0".repeat(100), limits, 100);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''|stream ended before a line started",
        "'5'|stream ended in the middle of a line",
        "'5;a=b\r'|stream ended in the middle of a line",
        "'5\r\nhel'|stream ended inside a chunk",
        "'5\r\nhello'|stream ended after chunk data",
        "'5\r\nhello\r'|stream ended after chunk data",
        "'5\r\nhello\r\n'|stream ended before a line started",
        "'0\r\n'|stream ended before a line started",
        "'0\r\nX: y\r\n'|stream ended before a line started",
        "'0\r\nX: y'|stream ended in the middle of a line",
    })
    void reportsTheEndOfTheStreamInsideTheBody(String wire, String message) {
        EOFException e = assertThrows(EOFException.class, () -> decode(wire));

        assertEquals(message, e.getMessage());
    }

    @Test
    void reportsBufferedChunkDataAsAvailable() throws Exception {
        WireInput in = WireInput.of(Ascii.bytes("5\r\nhello\r\n0\r\n\r\n"));
        ChunkedBodyInputStream body = new ChunkedBodyInputStream(in, LIMITS, Long.MAX_VALUE);

        assertEquals(0, body.available());
        assertEquals('h', body.read());
        assertEquals(4, body.available());
        assertEquals(0, body.read(new byte[1], 0, 0));
        assertEquals(4, body.read(new byte[10], 0, 10));
        assertEquals(0, body.available());
        assertEquals(-1, body.read(new byte[10], 0, 10));
        assertEquals(0, body.available());
    }
}
