package dev.wisp.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link WireInput#read(byte[], int, int, long)} over a channel, with a pool of direct buffers. */
class WireInputReadAheadTest {
    private final BufferPool pool = new BufferPool(64, 4);
    private final DirectBufferPool directPool = new DirectBufferPool(1024, 2);

    private static byte[] counting(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) i;
        }
        return bytes;
    }

    /** A reader that reads ahead, over the scripted channel. */
    private WireInput readerOf(ScriptedInputStream stream) {
        return WireInput.of(stream, pool, directPool);
    }

    @Test
    void readsTheRunInOneReadAndServesTheSmallReadsAfterIt() throws Exception {
        byte[] body = counting(300);
        ScriptedInputStream stream = new ScriptedInputStream(body);
        WireInput in = readerOf(stream);
        byte[] received = new byte[body.length];

        for (int offset = 0; offset < 300; offset += 10) {
            assertEquals(10, in.read(received, offset, 10, 300 - offset));
            assertEquals(290 - offset, in.buffered());
        }
        assertArrayEquals(body, received);
        assertEquals(List.of(300), stream.requestedLengths);
    }

    @Test
    void holdsADirectBufferOnlyWhileItHasBytes() throws Exception {
        WireInput in = readerOf(new ScriptedInputStream(counting(100)));
        byte[] received = new byte[60];

        assertEquals(60, in.read(received, 0, 60, 100));
        assertEquals(0, directPool.pooled());
        assertEquals(40, in.read(received, 0, 40, 40));
        assertEquals(1, directPool.pooled());
        assertEquals(0, pool.pooled());
    }

    @Test
    void neverReadsPastTheRunSoTheNextMessageStaysForTheCodec() throws Exception {
        ScriptedInputStream stream = new ScriptedInputStream(
                "a".repeat(200).concat("NEXT").getBytes(StandardCharsets.US_ASCII));
        WireInput in = readerOf(stream);
        byte[] received = new byte[200];

        assertEquals(200, in.read(received, 0, 200, 200));
        assertEquals(0, in.buffered());
        assertTrue(in.fill());
        assertEquals("NEXT", new String(in.buffer(), in.position(), in.limit(), StandardCharsets.US_ASCII));
    }

    @Test
    void readsAtMostOneBufferAtATime() throws Exception {
        ScriptedInputStream stream = new ScriptedInputStream(counting(2500));
        WireInput in = readerOf(stream);
        byte[] received = new byte[2500];
        for (int total = 0; total < received.length; ) {
            total += in.read(received, total, received.length - total, received.length - total);
        }

        assertArrayEquals(counting(2500), received);
        assertEquals(List.of(1024, 1024, 452), stream.requestedLengths);
    }

    @Test
    void takesBytesBufferedForTheCodecBeforeReadingAhead() throws Exception {
        ScriptedInputStream stream = ScriptedInputStream.of("head|ab", "c".repeat(100));
        WireInput in = readerOf(stream);
        in.fill();
        in.skip(5);
        byte[] received = new byte[102];

        assertEquals(2, in.read(received, 0, 102, 102));
        assertEquals(100, in.read(received, 2, 100, 100));
        assertEquals(1, pool.pooled(), "the codec's buffer went back before the read ahead");
        assertEquals("ab" + "c".repeat(100), new String(received, StandardCharsets.US_ASCII));
        assertEquals(List.of(64, 100), stream.requestedLengths);
    }

    @Test
    void singleBytesAndPlainReadsTakeTheBytesReadAhead() throws Exception {
        WireInput in = readerOf(ScriptedInputStream.of("abcdef"));
        byte[] received = new byte[6];

        assertEquals(1, in.read(received, 0, 1, 6));
        assertEquals('b', in.readByte());
        assertTrue(in.awaitData());
        assertEquals(4, in.read(received, 0, 6));
        assertEquals("cdef", new String(received, 0, 4, StandardCharsets.US_ASCII));
        assertEquals(1, directPool.pooled());
    }

    @Test
    void refusesToFillTheCodecBufferWhileBytesReadAheadAreUnread() throws Exception {
        WireInput in = readerOf(ScriptedInputStream.of("abcdef"));
        in.read(new byte[2], 0, 2, 6);

        IllegalStateException e = assertThrows(IllegalStateException.class, in::fill);
        assertEquals("4 bytes read ahead for a body are unread", e.getMessage());
    }

    @Test
    void reportsTheEndOfTheStreamInsideARunAndKeepsNoBuffer() throws Exception {
        WireInput in = readerOf(ScriptedInputStream.of("abc"));
        byte[] received = new byte[10];

        assertEquals(3, in.read(received, 0, 10, 10));
        assertEquals(-1, in.read(received, 0, 7, 7));
        assertEquals(1, directPool.pooled());
    }

    @Test
    void releaseGivesTheBufferBackWhateverItHolds() throws Exception {
        WireInput in = readerOf(ScriptedInputStream.of("abcdef"));
        in.read(new byte[2], 0, 2, 6);

        in.release();
        assertEquals(0, in.buffered());
        assertEquals(1, directPool.pooled());
    }

    @Test
    void aFailedReadGivesTheBufferBack() {
        ScriptedInputStream stream = ScriptedInputStream.of("abc");
        stream.beforeRead = () -> {
            throw new UncheckedIOException(new IOException("connection reset"));
        };
        WireInput in = readerOf(stream);

        assertThrows(UncheckedIOException.class, () -> in.read(new byte[3], 0, 3, 3));
        assertEquals(0, in.buffered());
        assertEquals(1, directPool.pooled());
    }

    @Test
    void aStreamThatIsNoChannelIsReadAsWithoutAPool() throws Exception {
        byte[] body = counting(100);
        WireInput in = WireInput.of(new ByteArrayInputStream(body), pool, directPool);
        byte[] received = new byte[100];

        assertEquals(100, in.read(received, 0, 100, 1000));
        assertArrayEquals(body, received);
        assertEquals(0, directPool.pooled());
    }

    @Test
    void rejectsARunShorterThanTheRead() {
        WireInput in = readerOf(ScriptedInputStream.of("abc"));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> in.read(new byte[3], 0, 3, 2));
        assertEquals("run of 2 bytes is shorter than the read of 3", e.getMessage());
    }
}
