package dev.wisp.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@link Body} factories: their lengths and the bytes they write. */
class BodyTest {
    private static byte[] written(Body body) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        body.writeTo(out);
        return out.toByteArray();
    }

    @Test
    void bytesAndTextKnowTheirLengthAndCanBeWrittenTwice() throws IOException {
        Body text = Body.of("héllo");
        assertEquals(6, text.length());
        assertArrayEquals("héllo".getBytes(StandardCharsets.UTF_8), written(text));
        assertArrayEquals(written(text), written(text));
        assertEquals(0, Body.empty().length());
        assertEquals(0, written(Body.empty()).length);
    }

    @Test
    void streamBodyCopiesTheStreamAndClosesIt() throws IOException {
        boolean[] closed = new boolean[1];
        ByteArrayInputStream in = new ByteArrayInputStream("stream".getBytes(StandardCharsets.US_ASCII)) {
            @Override
            public void close() {
                closed[0] = true;
            }
        };
        Body body = Body.of(in, -1);
        assertEquals(-1, body.length());
        assertEquals("stream", new String(written(body), StandardCharsets.US_ASCII));
        assertTrue(closed[0], "the stream is closed after writing");
    }

    @Test
    void fileBodyHasTheFileLengthAndContent(@TempDir Path directory) throws IOException {
        Path file = Files.writeString(directory.resolve("a.txt"), "file content");
        Body body = Body.of(file);
        assertEquals(12, body.length());
        assertEquals("file content", new String(written(body), StandardCharsets.US_ASCII));
    }

    @Test
    void writtenBodyRunsItsWriterEachTime() throws IOException {
        Body body = Body.of(3, out -> out.write(new byte[] {1, 2, 3}));
        assertEquals(3, body.length());
        assertArrayEquals(new byte[] {1, 2, 3}, written(body));
        assertArrayEquals(new byte[] {1, 2, 3}, written(body));
    }
}
