package dev.wisp.http1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.wisp.core.Headers;
import dev.wisp.core.WireOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Writing bodies of an announced length with {@link FixedLengthBodyOutputStream}, and reading them back. */
class FixedLengthBodyOutputStreamTest {
    private final WireOutput discarded = WireOutput.of(OutputStream.nullOutputStream());

    @Test
    void writesExactlyTheAnnouncedLength() throws Exception {
        String wire = Writing.text(out -> {
            FixedLengthBodyOutputStream body = new FixedLengthBodyOutputStream(out, 6);
            body.write('a');
            body.write("bcdef".getBytes(StandardCharsets.US_ASCII));
            assertEquals(0, body.remaining());
            body.close();
            body.close();
        });

        assertEquals("abcdef", wire);
    }

    @Test
    void roundTripsThroughTheFixedLengthDecoder() throws Exception {
        String content = "x".repeat(3000);
        String wire = Writing.text(out -> {
            FixedLengthBodyOutputStream body = new FixedLengthBodyOutputStream(out, content.length());
            body.write(content.getBytes(StandardCharsets.US_ASCII));
            body.close();
        });

        assertEquals(new Bodies.Body(content, Headers.empty()), Feeding.read(wire + "NEXT",
                in -> Bodies.readAll(new FixedLengthBodyInputStream(in, content.length()), 100)));
    }

    @Test
    void refusesToWriteMoreThanTheAnnouncedLength() throws Exception {
        String wire = Writing.text(out -> {
            FixedLengthBodyOutputStream body = new FixedLengthBodyOutputStream(out, 3);
            body.write("ab".getBytes(StandardCharsets.US_ASCII));
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> body.write("cd".getBytes(StandardCharsets.US_ASCII)));
            assertEquals("body exceeds its Content-Length of 3 bytes", e.getMessage());
            assertEquals(1, body.remaining());
            body.write('c');
            assertThrows(IllegalStateException.class, () -> body.write('d'));
        });

        assertEquals("abc", wire);
    }

    @Test
    void failsToCloseShortOfTheAnnouncedLength() throws Exception {
        FixedLengthBodyOutputStream body = new FixedLengthBodyOutputStream(discarded, 5);
        body.write("ab".getBytes(StandardCharsets.US_ASCII));

        IOException e = assertThrows(IOException.class, body::close);
        assertEquals("body ended 3 bytes short of its Content-Length of 5", e.getMessage());
        body.close();
    }

    @Test
    void refusesWritesAfterClose() throws Exception {
        FixedLengthBodyOutputStream body = new FixedLengthBodyOutputStream(discarded, 0);
        body.close();

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> body.write('x'));
        assertEquals("body stream is closed", e.getMessage());
    }

    @Test
    void rejectsBadArguments() throws Exception {
        FixedLengthBodyOutputStream body = new FixedLengthBodyOutputStream(discarded, 5);

        assertThrows(IndexOutOfBoundsException.class, () -> body.write(new byte[2], 1, 2));
        assertThrows(IndexOutOfBoundsException.class, () -> body.write(new byte[2], 0, -1));
        assertEquals(5, body.remaining());
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> new FixedLengthBodyOutputStream(discarded, -1));
        assertEquals("length must not be negative: -1", negative.getMessage());
    }
}
