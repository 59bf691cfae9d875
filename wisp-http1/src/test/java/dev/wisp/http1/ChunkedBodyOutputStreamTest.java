package dev.wisp.http1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.wisp.core.Headers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Writing chunked bodies with {@link ChunkedBodyOutputStream}, and reading them back. */
class ChunkedBodyOutputStreamTest {
    @FunctionalInterface
    private interface BodyWriting {
        void writeTo(ChunkedBodyOutputStream body) throws IOException;
    }

    private static String written(BodyWriting writing) throws IOException {
        return written(ChunkedBodyOutputStream.DEFAULT_COALESCE_BYTES, writing);
    }

    private static String written(int coalesceBytes, BodyWriting writing) throws IOException {
        return Writing.text(out -> writing.writeTo(new ChunkedBodyOutputStream(out, coalesceBytes)));
    }

    private static Bodies.Body decode(String wire) throws IOException {
        return Feeding.read(wire, in -> Bodies.readAll(new ChunkedBodyInputStream(in, Http1Limits.defaults(),
                Long.MAX_VALUE), 5));
    }

    @Test
    void writesEachWriteAsOneChunkWithAHexSizeWhenNotCoalescing() throws Exception {
        String wire = written(0, body -> {
            body.write("hello".getBytes(StandardCharsets.US_ASCII));
            body.write('!');
            body.write(new byte[0]);
            body.write(new byte[26], 0, 26);
            body.close();
        });

        assertEquals("5\r\nhello\r\n1\r\n!\r\n1a\r\n" + "\0".repeat(26) + "\r\n0\r\n\r\n", wire);
    }

    @Test
    void coalescesSmallWritesIntoOneChunk() throws Exception {
        String wire = written(body -> {
            for (char c : "hello".toCharArray()) {
                body.write(c);
            }
            body.write(" world".getBytes(StandardCharsets.US_ASCII));
            body.close();
        });

        assertEquals("b\r\nhello world\r\n0\r\n\r\n", wire);
    }

    @Test
    void writesGatheredBytesBeforeALargeWriteAndWhenTheyFillTheChunk() throws Exception {
        String wire = written(8, body -> {
            body.write("abc".getBytes(StandardCharsets.US_ASCII));
            body.write("0123456789".getBytes(StandardCharsets.US_ASCII));
            body.write("defg".getBytes(StandardCharsets.US_ASCII));
            body.write("hijk".getBytes(StandardCharsets.US_ASCII));
            body.write('l');
            body.close();
        });

        assertEquals("3\r\nabc\r\na\r\n0123456789\r\n8\r\ndefghijk\r\n1\r\nl\r\n0\r\n\r\n", wire);
    }

    @Test
    void flushEndsTheGatheredChunk() throws Exception {
        String wire = written(body -> {
            body.write("ab".getBytes(StandardCharsets.US_ASCII));
            body.flush();
            body.write("cd".getBytes(StandardCharsets.US_ASCII));
            body.finish(Headers.of("X-T", "1"));
        });

        assertEquals("2\r\nab\r\n2\r\ncd\r\n0\r\nX-T: 1\r\n\r\n", wire);
    }

    @Test
    void finishesWithTrailers() throws Exception {
        String wire = written(body -> {
            body.write("data".getBytes(StandardCharsets.US_ASCII));
            body.finish(Headers.of("X-Checksum", "abc", "X-Other", "1"));
            body.close();
        });

        assertEquals("4\r\ndata\r\n0\r\nX-Checksum: abc\r\nX-Other: 1\r\n\r\n", wire);
    }

    @Test
    void leavesOutTrailerFieldsThatHaveNoPlaceInTrailers() throws Exception {
        String wire = written(body -> body.finish(Headers.of("Content-Length", "99", "X-Checksum", "abc",
                "Set-Cookie", "evil=1", "Transfer-Encoding", "chunked", "Content-Type", "text/html")));

        assertEquals("0\r\nX-Checksum: abc\r\n\r\n", wire);
    }

    @Test
    void roundTripsChunksAndTrailersThroughTheDecoder() throws Exception {
        StringBuilder expected = new StringBuilder();
        Headers trailers = Headers.of("Server-Timing", "total;dur=1", "X-Empty", "");
        String wire = written(body -> {
            for (int size : new int[] {1, 15, 16, 255, 256, 1023, 1024, 1025, 4096, 3}) {
                String chunk = Character.toString('a' + size % 26).repeat(size);
                body.write(chunk.getBytes(StandardCharsets.ISO_8859_1));
                expected.append(chunk);
            }
            body.finish(trailers);
        });

        assertEquals(new Bodies.Body(expected.toString(), trailers), decode(wire));
    }

    @Test
    void roundTripsAnEmptyBody() throws Exception {
        assertEquals(new Bodies.Body("", Headers.empty()), decode(written(ChunkedBodyOutputStream::close)));
    }

    @Test
    void refusesWritesAfterFinishing() throws Exception {
        String wire = written(body -> {
            body.finish(Headers.empty());
            body.finish(Headers.of("Ignored", "1"));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> body.write('x'));
            assertEquals("chunked body is finished", e.getMessage());
        });

        assertEquals("0\r\n\r\n", wire);
    }

    @Test
    void rejectsBadArgumentsBeforeWritingAnything() throws Exception {
        String wire = written(body -> {
            assertThrows(IndexOutOfBoundsException.class, () -> body.write(new byte[4], 2, 3));
            assertThrows(IndexOutOfBoundsException.class, () -> body.write(new byte[4], -1, 1));
            assertThrows(IndexOutOfBoundsException.class, () -> body.write(new byte[4], 0, -1));
        });

        assertEquals("", wire);
    }
}
