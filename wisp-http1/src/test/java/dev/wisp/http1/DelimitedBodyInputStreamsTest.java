package dev.wisp.http1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.core.Ascii;
import dev.wisp.core.Headers;
import dev.wisp.core.WireInput;
import java.io.EOFException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The bodies without chunked framing: fixed length, empty, and until the connection closes. */
class DelimitedBodyInputStreamsTest {
    @ParameterizedTest
    @ValueSource(ints = {1, 3, 2048})
    void readsExactlyTheLengthAndLeavesTheRest(int readSize) throws Exception {
        List<Object> result = Feeding.read("helloGET", in -> {
            FixedLengthBodyInputStream body = new FixedLengthBodyInputStream(in, 5);
            assertEquals(5, body.length());
            assertFalse(body.isFinished());
            Bodies.Body read = Bodies.readAll(body, readSize);
            assertTrue(body.isFinished());
            assertEquals(0, body.read(new byte[1], 0, 0));
            return List.of(read, Feeding.rest(in));
        });

        assertEquals(List.of(new Bodies.Body("hello", Headers.empty()), "GET"), result);
    }

    @Test
    void reportsAFixedLengthBodyCutShort() {
        EOFException e = assertThrows(EOFException.class, () -> Feeding.read("hel",
                in -> Bodies.readAll(new FixedLengthBodyInputStream(in, 5), 2)));
        assertEquals("stream ended 2 bytes before the end of a 5-byte body", e.getMessage());
        EOFException single = assertThrows(EOFException.class, () -> Feeding.read("",
                in -> Bodies.readAll(new FixedLengthBodyInputStream(in, 1), 1)));
        assertEquals("stream ended 1 bytes before the end of a 1-byte body", single.getMessage());
    }

    @Test
    void reportsOnlyTheBodyAsAvailable() throws Exception {
        WireInput in = WireInput.of(Ascii.bytes("helloGET"));
        FixedLengthBodyInputStream body = new FixedLengthBodyInputStream(in, 5);

        assertEquals(5, body.available());
        assertEquals('h', body.read());
        assertEquals(4, body.available());
    }

    @Test
    void tellsWhetherTheRestOfAFixedLengthBodyIsBuffered() throws Exception {
        assertTrue(new FixedLengthBodyInputStream(WireInput.of(Ascii.bytes("hello")), 5).isRestBuffered());
        assertTrue(new FixedLengthBodyInputStream(WireInput.of(Ascii.bytes("helloGET")), 5).isRestBuffered());
        FixedLengthBodyInputStream cutShort = new FixedLengthBodyInputStream(WireInput.of(Ascii.bytes("hel")), 5);
        assertFalse(cutShort.isRestBuffered());
        cutShort.read();
        assertFalse(cutShort.isRestBuffered(), "two bytes of four left are there");
        assertTrue(new FixedLengthBodyInputStream(WireInput.of(new byte[0]), 0).isRestBuffered());
    }

    @Test
    void aZeroLengthBodyIsFinishedAtOnce() throws Exception {
        FixedLengthBodyInputStream body = new FixedLengthBodyInputStream(WireInput.of(new byte[0]), 0);

        assertTrue(body.isFinished());
        assertEquals(-1, body.read());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new FixedLengthBodyInputStream(WireInput.of(new byte[0]), -1));
        assertEquals("length must not be negative: -1", e.getMessage());
    }

    @Test
    void theEmptyBodyHasNothing() {
        EmptyBodyInputStream body = EmptyBodyInputStream.INSTANCE;

        assertEquals(-1, body.read());
        assertEquals(-1, body.read(new byte[1], 0, 1));
        assertEquals(0, body.read(new byte[1], 0, 0));
        assertEquals(0, body.length());
        assertTrue(body.isFinished());
        assertEquals(Headers.empty(), body.trailers());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 2048})
    void readsUntilTheStreamEnds(int readSize) throws Exception {
        String wire = "all\r\n0\r\n\r\nof it" + "x".repeat(3000);

        assertEquals(new Bodies.Body(wire, Headers.empty()), Feeding.read(wire, in -> {
            UntilCloseBodyInputStream body = new UntilCloseBodyInputStream(in);
            assertEquals(-1, body.length());
            Bodies.Body read = Bodies.readAll(body, readSize);
            assertTrue(body.isFinished());
            assertEquals(-1, body.read());
            assertEquals(0, body.read(new byte[1], 0, 0));
            return read;
        }));
    }
}
