package dev.wisp.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WireOutputTest {
    /** Records the size of every write, and whether it was flushed. */
    private static final class RecordingOutputStream extends ByteArrayOutputStream {
        final List<Integer> writes = new ArrayList<>();
        int flushes;

        @Override
        public void write(byte[] bytes, int offset, int length) {
            writes.add(length);
            super.write(bytes, offset, length);
        }

        @Override
        public void flush() {
            flushes++;
        }

        String text() {
            return toString(StandardCharsets.ISO_8859_1);
        }
    }

    private final BufferPool pool = new BufferPool(64, 2);
    private final RecordingOutputStream stream = new RecordingOutputStream();
    private final WireOutput out = WireOutput.of(stream, pool);

    @Test
    void buffersUntilFlushedThenGivesTheBufferBack() throws Exception {
        out.write('a');
        out.write(new byte[] {'b', 'c'});
        out.writeLatin1("dé");

        assertEquals(5, out.buffered());
        assertEquals("", stream.text());
        out.flush();
        assertEquals("abcdé", stream.text());
        assertEquals(List.of(5), stream.writes);
        assertEquals(1, stream.flushes);
        assertEquals(0, out.buffered());
        assertEquals(1, pool.pooled());
    }

    @Test
    void writesAWriteLargerThanTheBufferStraightToTheStream() throws Exception {
        out.writeLatin1("head");
        out.write(new byte[100]);
        out.writeLatin1("x".repeat(65));
        out.flush();

        assertEquals(List.of(4, 100, 65), stream.writes);
        assertEquals(169, stream.size());
    }

    @Test
    void drainsAFullBufferBeforeAddingMore() throws Exception {
        out.write(new byte[60]);
        out.write(new byte[10]);
        assertEquals(List.of(60), stream.writes);
        assertEquals(10, out.buffered());
        for (int i = 0; i < 54; i++) {
            out.write('x');
        }
        out.write('y');

        assertEquals(List.of(60, 64), stream.writes);
        assertEquals(1, out.buffered());
    }

    @Test
    void writesNumbers() throws Exception {
        out.writeDecimal(0);
        out.write(' ');
        out.writeDecimal(Long.MAX_VALUE);
        out.write(' ');
        out.writeHex(255);
        out.write(' ');
        out.writeHex(0x1a2b3c4d5eL);
        out.flush();

        assertEquals("0 9223372036854775807 ff 1a2b3c4d5e", stream.text());
    }

    @Test
    void releaseDropsBufferedBytes() throws Exception {
        out.writeLatin1("dropped");
        out.release();
        out.release();
        out.writeLatin1("kept");
        out.flush();

        assertEquals("kept", stream.text());
        assertEquals(1, pool.pooled());
    }

    @Test
    void givesTheBufferBackWhenTheStreamFails() throws Exception {
        WireOutput failing = WireOutput.of(new java.io.OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("broken pipe");
            }

            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                throw new IOException("broken pipe");
            }
        }, pool);
        failing.writeLatin1("data");

        IOException e = assertThrows(IOException.class, failing::flush);
        assertEquals("broken pipe", e.getMessage());
        assertEquals(1, pool.pooled());
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IndexOutOfBoundsException.class, () -> out.write(new byte[2], 1, 2));
        assertThrows(IndexOutOfBoundsException.class, () -> out.write(new byte[2], -1, 1));
        assertThrows(NullPointerException.class, () -> WireOutput.of(null, pool));
        assertThrows(NullPointerException.class, () -> WireOutput.of(stream, null));
    }

    @Test
    void aTestWriterHasItsOwnPool() throws Exception {
        WireOutput small = WireOutput.of(stream);
        small.writeLatin1("x".repeat(2000));
        small.flush();

        assertEquals(2000, stream.size());
    }
}
