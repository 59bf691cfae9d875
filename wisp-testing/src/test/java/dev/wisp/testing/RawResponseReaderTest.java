package dev.wisp.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.wisp.core.Headers;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RawResponseReaderTest {
    private static RawResponseReader reader(String wire) {
        return new RawResponseReader(new ByteArrayInputStream(wire.getBytes(StandardCharsets.ISO_8859_1)));
    }

    @Test
    void readsContentLengthBodyAndLeavesTheNextResponse() throws IOException {
        RawResponseReader reader = reader("""
                HTTP/1.1 200 OK\r
                Content-Length: 5\r
                \r
                helloHTTP/1.1 204 No Content\r
                \r
                """);
        RawResponse first = reader.read(false);
        assertEquals(200, first.status());
        assertEquals("hello", first.bodyText());
        assertEquals("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", first.wire());
        assertEquals(204, reader.read(false).status());
    }

    @Test
    void readsChunkedBodyWithTrailers() throws IOException {
        RawResponse response = reader("""
                HTTP/1.1 200 OK\r
                Transfer-Encoding: chunked\r
                \r
                3;x=y\r
                abc\r
                2\r
                de\r
                0\r
                Checksum: 42\r
                \r
                """).read(false);
        assertEquals("abcde", response.bodyText());
        assertEquals(Headers.of("Checksum", "42"), response.trailers());
    }

    @Test
    void readsUntilCloseWithoutFraming() throws IOException {
        assertEquals("rest of it", reader("HTTP/1.0 200 OK\r\n\r\nrest of it").read(false).bodyText());
    }

    @Test
    void readsHeadOnlyAndNoBodyForInterimAnd204() throws IOException {
        RawResponseReader reader = reader("""
                HTTP/1.1 100 Continue\r
                \r
                HTTP/1.1 200 OK\r
                Content-Length: 10\r
                \r
                HTTP/1.1 204 No Content\r
                Content-Length: 10\r
                \r
                """);
        RawResponse interim = reader.read(false);
        assertEquals(100, interim.status());
        assertEquals(true, interim.isInterim());
        assertEquals(Optional.of("10"), reader.read(true).header("content-length"));
        assertEquals(0, reader.read(false).body().length);
    }

    @Test
    void textMasksAWellFormedDateOnly() throws IOException {
        String wire = "HTTP/1.1 200 OK\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nContent-Length: 0\r\n\r\n";
        assertEquals("HTTP/1.1 200 OK\r\nDate: <date>\r\nContent-Length: 0\r\n\r\n", reader(wire).read(false).text());
        String bad = "HTTP/1.1 200 OK\r\nDate: yesterday\r\nContent-Length: 0\r\n\r\n";
        assertEquals(bad, reader(bad).read(false).text());
    }

    @Test
    void rejectsBareLfAndMalformedStatusLines() {
        assertThrows(ProtocolException.class, () -> reader("HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n").read(false));
        assertThrows(ProtocolException.class, () -> reader("HTTP/1.1 20 OK\r\n\r\n").read(false));
        assertThrows(ProtocolException.class, () -> reader("""
                HTTP/1.1 200 OK\r
                Transfer-Encoding: chunked\r
                \r
                zz\r
                """).read(false));
    }

    @Test
    void failsOnTruncatedResponses() {
        assertThrows(EOFException.class, () -> reader("").read(false));
        assertThrows(EOFException.class, () -> reader("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nabc").read(false));
    }
}
