package dev.wisp.client.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.client.ResponseProtocolException;
import dev.wisp.core.BodyInputStream;
import dev.wisp.core.Headers;
import dev.wisp.core.ResponseHead;
import dev.wisp.core.Status;
import dev.wisp.core.Version;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * A decoded body lets go of its inflater's native memory as soon as it ends, fails or is closed, rather than when a
 * garbage collection finds it: a client that decodes many responses would otherwise hold zlib's memory for each.
 */
class ContentDecodingTest {
    private static final byte[] TEXT = "hello, decoded world\n".repeat(200).getBytes(UTF_8);

    @Test
    void aGzipBodyReadToItsEndEndsItsDecoder() throws IOException {
        BodyInputStream body = decoded("gzip", gzip(TEXT));
        byte[] first = body.readNBytes(10);
        assertFalse(ContentDecoding.isDecoderEnded(body), "still decoding");

        byte[] rest = body.readAllBytes();

        assertTrue(ContentDecoding.isDecoderEnded(body));
        assertArrayEquals(TEXT, concat(first, rest));
        assertTrue(body.read() < 0, "still at its end");
    }

    @Test
    void aDeflateBodyReadToItsEndEndsItsDecoder() throws IOException {
        BodyInputStream body = decoded("deflate", zlib(TEXT));

        assertArrayEquals(TEXT, body.readAllBytes());
        assertTrue(ContentDecoding.isDecoderEnded(body));
    }

    @Test
    void aBodyClosedBeforeItsEndEndsItsDecoder() throws IOException {
        BodyInputStream body = decoded("deflate", zlib(TEXT));
        body.readNBytes(10);

        body.close();

        assertTrue(ContentDecoding.isDecoderEnded(body));
    }

    @Test
    void aBrokenBodyEndsItsDecoder() {
        byte[] broken = gzip(TEXT);
        Arrays.fill(broken, 20, 40, (byte) 0x55);
        BodyInputStream body = decoded("gzip", broken);

        assertThrows(ResponseProtocolException.class, body::readAllBytes);
        assertTrue(ContentDecoding.isDecoderEnded(body));
    }

    private static BodyInputStream decoded(String coding, byte[] encoded) {
        ResponseHead head = new ResponseHead(Version.HTTP_1_1, Status.OK, Headers.of("Content-Encoding", coding));
        return ContentDecoding.decode(head, new BytesBody(encoded));
    }

    private static byte[] gzip(byte[] bytes) {
        return compress(bytes, GZIPOutputStream::new);
    }

    private static byte[] zlib(byte[] bytes) {
        return compress(bytes, DeflaterOutputStream::new);
    }

    private interface Compressor {
        OutputStream over(OutputStream out) throws IOException;
    }

    private static byte[] compress(byte[] bytes, Compressor compressor) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream compressing = compressor.over(out)) {
            compressing.write(bytes);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    /** An encoded body of known bytes, as a response's body stream gives them. */
    private static final class BytesBody extends BodyInputStream {
        private final ByteArrayInputStream in;

        BytesBody(byte[] bytes) {
            this.in = new ByteArrayInputStream(bytes);
        }

        @Override
        public int read() {
            return in.read();
        }

        @Override
        public int read(byte[] bytes, int offset, int length) {
            return in.read(bytes, offset, length);
        }

        @Override
        public long length() {
            return -1;
        }

        @Override
        public Headers trailers() {
            return Headers.empty();
        }

        @Override
        public boolean isFinished() {
            return in.available() == 0;
        }
    }
}
