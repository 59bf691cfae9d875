package dev.wisp.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WireInputTest {
    private final BufferPool pool = new BufferPool(64, 4);

    @Test
    void takesABufferFromThePoolWhenBytesFirstArrive() throws Exception {
        WireInput in = WireInput.of(ScriptedInputStream.of("hello"), pool);
        assertNull(in.buffer());

        assertTrue(in.fill());
        assertNotNull(in.buffer());
        assertEquals(0, in.position());
        assertEquals(5, in.limit());
        assertEquals(5, in.buffered());
        assertEquals(64, in.capacity());
        assertEquals("hello", new String(in.buffer(), 0, 5, StandardCharsets.US_ASCII));
    }

    @Test
    void fillKeepsUnconsumedBytesAfterTheOnesItAdds() throws Exception {
        WireInput in = WireInput.of(ScriptedInputStream.of("abc", "def"), pool);
        in.fill();
        in.skip(1);
        in.fill();

        assertEquals(1, in.position());
        assertEquals("bcdef", new String(in.buffer(), in.position(), in.buffered(), StandardCharsets.US_ASCII));
    }

    @Test
    void fillMovesUnconsumedBytesToTheStartWhenTheBufferEndIsReached() throws Exception {
        WireInput in = WireInput.of(ScriptedInputStream.of("x".repeat(60) + "abcd", "efg"), pool);
        in.fill();
        in.skip(61);
        in.fill();

        assertEquals(0, in.position());
        assertEquals("bcdefg", new String(in.buffer(), 0, in.limit(), StandardCharsets.US_ASCII));
    }

    @Test
    void fillRefusesWhenTheBufferIsFullOfUnconsumedBytes() throws Exception {
        WireInput in = WireInput.of(ScriptedInputStream.of("x".repeat(64), "more"), pool);
        in.fill();

        IllegalStateException e = assertThrows(IllegalStateException.class, in::fill);
        assertEquals("buffer is full: 64 unconsumed bytes", e.getMessage());
    }

    @Test
    void fillReportsTheEndOfTheStream() throws Exception {
        WireInput in = WireInput.of(ScriptedInputStream.of("a"), pool);

        assertTrue(in.fill());
        assertFalse(in.fill());
        assertEquals(1, in.buffered());
    }

    @Test
    void awaitDataHoldsNoBufferWhileWaiting() throws Exception {
        ScriptedInputStream stream = ScriptedInputStream.of("first", "next");
        WireInput in = WireInput.of(stream, pool);
        in.fill();
        in.skip(5);
        List<Boolean> heldBufferWhileWaiting = new ArrayList<>();
        stream.beforeRead = () -> heldBufferWhileWaiting.add(in.buffer() != null);

        assertTrue(in.awaitData());
        assertEquals(List.of(false), heldBufferWhileWaiting);
        assertEquals(List.of(64, 1), stream.requestedLengths);
        assertEquals(1, in.buffered());
        assertEquals('n', in.readByte());
        assertEquals('e', in.readByte());
    }

    @Test
    void awaitDataReturnsAtOnceWhenBytesAreBuffered() throws Exception {
        ScriptedInputStream stream = ScriptedInputStream.of("ab");
        WireInput in = WireInput.of(stream, pool);
        in.fill();
        in.skip(1);

        assertTrue(in.awaitData());
        assertEquals(1, stream.requestedLengths.size());
    }

    @Test
    void awaitDataReportsTheEndOfTheStreamAndHoldsNoBuffer() throws Exception {
        WireInput in = WireInput.of(ScriptedInputStream.of("a"), pool);
        in.fill();
        in.skip(1);

        assertFalse(in.awaitData());
        assertNull(in.buffer());
        assertEquals(1, pool.pooled());
    }

    @Test
    void releaseIfEmptyKeepsABufferThatHoldsUnconsumedBytes() throws Exception {
        WireInput in = WireInput.of(ScriptedInputStream.of("ab"), pool);
        in.fill();
        in.skip(1);
        in.releaseIfEmpty();

        assertNotNull(in.buffer());
        in.skip(1);
        in.releaseIfEmpty();
        assertNull(in.buffer());
        assertEquals(1, pool.pooled());
        assertEquals(0, in.buffered());
    }

    @Test
    void releaseGivesTheBufferBackWhateverItHolds() throws Exception {
        WireInput in = WireInput.of(ScriptedInputStream.of("ab"), pool);
        in.fill();
        in.release();

        assertNull(in.buffer());
        assertEquals(0, in.buffered());
        assertEquals(1, pool.pooled());
    }

    @Test
    void growsForALongLineAndTakesAPooledBufferAgainOnceWhatIsLeftFitsInOne() throws Exception {
        WireInput in = WireInput.of(ScriptedInputStream.of("x".repeat(64), "y".repeat(36), "next"), pool);
        in.fill();
        in.growTo(128);

        assertEquals(128, in.capacity());
        assertEquals(1, pool.pooled(), "the pooled buffer went back as the line moved out of it");
        assertTrue(in.fill());
        assertEquals("x".repeat(64) + "y".repeat(36), new String(in.buffer(), 0, 100, StandardCharsets.US_ASCII));
        in.skip(99);
        assertTrue(in.fill());
        assertEquals(64, in.capacity(), "the long line is consumed: a pooled buffer again");
        assertEquals(0, pool.pooled());
        assertEquals("ynext", new String(in.buffer(), in.position(), in.buffered(), StandardCharsets.US_ASCII));
    }

    @Test
    void dropsAGrownBufferRatherThanPoolingIt() throws Exception {
        WireInput in = WireInput.of(ScriptedInputStream.of("x".repeat(64)), pool);
        in.fill();
        in.growTo(100);
        in.skip(64);
        in.releaseIfEmpty();

        assertNull(in.buffer());
        assertEquals(1, pool.pooled(), "only the pooled buffer it grew from");
        assertEquals(64, in.capacity());
    }

    @Test
    void largeReadsBypassTheBufferWhenNothingIsBuffered() throws Exception {
        byte[] body = new byte[100];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) i;
        }
        ScriptedInputStream stream = new ScriptedInputStream(body);
        WireInput in = WireInput.of(stream, pool);
        byte[] destination = new byte[100];

        assertEquals(100, in.read(destination, 0, 100));
        assertArrayEquals(body, destination);
        assertNull(in.buffer());
        assertEquals(0, pool.pooled());
        assertEquals(List.of(100), stream.requestedLengths);
    }

    @Test
    void smallReadsGoThroughTheBuffer() throws Exception {
        ScriptedInputStream stream = ScriptedInputStream.of("abcdefghij");
        WireInput in = WireInput.of(stream, pool);
        byte[] destination = new byte[4];

        assertEquals(4, in.read(destination, 0, 4));
        assertEquals("abcd", new String(destination, StandardCharsets.US_ASCII));
        assertEquals(List.of(64), stream.requestedLengths);
        assertEquals(6, in.buffered());
    }

    @Test
    void readsBufferedBytesFirstEvenForLargeReads() throws Exception {
        ScriptedInputStream stream = ScriptedInputStream.of("abc", "d".repeat(100));
        WireInput in = WireInput.of(stream, pool);
        in.fill();
        byte[] destination = new byte[100];

        assertEquals(3, in.read(destination, 0, 100));
        assertEquals(100, in.read(destination, 0, 100));
        assertEquals(-1, in.read(destination, 0, 100));
    }

    @Test
    void readFullyCollectsPiecesAndFailsWhenTheStreamEndsShort() throws Exception {
        WireInput in = WireInput.of(ScriptedInputStream.of("ab", "cd", "e"), pool);
        byte[] destination = new byte[4];
        in.readFully(destination, 0, 4);
        assertEquals("abcd", new String(destination, StandardCharsets.US_ASCII));

        EOFException e = assertThrows(EOFException.class, () -> in.readFully(new byte[4], 0, 4));
        assertEquals("stream ended 3 bytes short", e.getMessage());
    }

    @Test
    void readsOneByteAtATime() throws Exception {
        WireInput in = WireInput.of(ScriptedInputStream.of("a", "b"), pool);

        assertEquals('a', in.readByte());
        assertEquals('b', in.readByte());
        assertEquals(-1, in.readByte());
        assertEquals(0, in.read(new byte[1], 0, 0));
    }

    @Test
    void rejectsBadArguments() throws Exception {
        WireInput in = WireInput.of(ScriptedInputStream.of("ab"), pool);
        in.fill();

        IndexOutOfBoundsException skip = assertThrows(IndexOutOfBoundsException.class, () -> in.skip(3));
        assertEquals("skip 3 of 2 buffered bytes", skip.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> in.skip(-1));
        assertThrows(IndexOutOfBoundsException.class, () -> in.read(new byte[2], 1, 2));
        assertThrows(NullPointerException.class, () -> WireInput.of(null, pool));
        assertThrows(NullPointerException.class, () -> WireInput.of(ScriptedInputStream.of(), null));
    }

    @Test
    void readsAByteArrayInPlace() throws Exception {
        byte[] content = "abc".getBytes(StandardCharsets.US_ASCII);
        WireInput in = WireInput.of(content);

        assertSame(content, in.buffer());
        assertEquals(3, in.buffered());
        assertEquals(Integer.MAX_VALUE, in.capacity());
        assertFalse(in.fill());
        assertTrue(in.awaitData());
        in.releaseIfEmpty();
        assertEquals('a', in.readByte());
        byte[] destination = new byte[10];
        assertEquals(2, in.read(destination, 0, 10));
        assertFalse(in.awaitData());
        assertEquals(-1, in.readByte());
        assertEquals(-1, in.read(destination, 0, 10));
    }
}
