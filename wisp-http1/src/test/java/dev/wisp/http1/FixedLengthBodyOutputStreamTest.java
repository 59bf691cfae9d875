package dev.wisp.http1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.wisp.core.Headers;
import dev.wisp.core.WireOutput;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Writing bodies of an announced length with {@link FixedLengthBodyOutputStream}, and reading them back. */
class FixedLengthBodyOutputStreamTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final WireOutput out = WireOutput.of(bytes);

    private String wire() throws IOException {
        out.flush();
        return bytes.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void writesExactlyTheAnnouncedLength() throws Exception {
        FixedLengthBodyOutputStream body = new FixedLengthBodyOutputStream(out, 6);
        body.write('a');
        body.write("bcdef".getBytes(StandardCharsets.US_ASCII));
        assertEquals(0, body.remaining());
        body.close();
        body.close();

        assertEquals("abcdef", wire());
    }

    @Test
    void roundTripsThroughTheFixedLengthDecoder() throws Exception {
        String content = "x".repeat(3000);
        FixedLengthBodyOutputStream body = new FixedLengthBodyOutputStream(out, content.length());
        body.write(content.getBytes(StandardCharsets.US_ASCII));
        body.close();
        String wire = wire() + "NEXT";

        assertEquals(new Bodies.Body(content, Headers.empty()), Feeding.read(wire,
                in -> Bodies.readAll(new FixedLengthBodyInputStream(in, content.length()), 100)));
    }

    @Test
    void refusesToWriteMoreThanTheAnnouncedLength() throws Exception {
        FixedLengthBodyOutputStream body = new FixedLengthBodyOutputStream(out, 3);
        body.write("ab".getBytes(StandardCharsets.US_ASCII));

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> body.write("cd".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("body exceeds its Content-Length of 3 bytes", e.getMessage());
        assertEquals(1, body.remaining());
        body.write('c');
        assertThrows(IllegalStateException.class, () -> body.write('d'));
        assertEquals("abc", wire());
    }

    @Test
    void failsToCloseShortOfTheAnnouncedLength() throws Exception {
        FixedLengthBodyOutputStream body = new FixedLengthBodyOutputStream(out, 5);
        body.write("ab".getBytes(StandardCharsets.US_ASCII));

        IOException e = assertThrows(IOException.class, body::close);
        assertEquals("body ended 3 bytes short of its Content-Length of 5", e.getMessage());
        body.close();
    }

    @Test
    void refusesWritesAfterClose() throws Exception {
        FixedLengthBodyOutputStream body = new FixedLengthBodyOutputStream(out, 0);
        body.close();

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> body.write('x'));
        assertEquals("body stream is closed", e.getMessage());
    }

    @Test
    void rejectsBadArguments() throws Exception {
        FixedLengthBodyOutputStream body = new FixedLengthBodyOutputStream(out, 5);

        assertThrows(IndexOutOfBoundsException.class, () -> body.write(new byte[2], 1, 2));
        assertThrows(IndexOutOfBoundsException.class, () -> body.write(new byte[2], 0, -1));
        assertEquals(5, body.remaining());
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> new FixedLengthBodyOutputStream(out, -1));
        assertEquals("length must not be negative: -1", negative.getMessage());
    }
}
