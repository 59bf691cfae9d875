package dev.wisp.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Flow-control windows (RFC 9113 §5.2, §6.9): the 2^31-1 ceiling, negative windows after a settings change. */
class FlowWindowTest {
    @Test
    void consumesAndExpands() throws Http2Exception {
        FlowWindow window = new FlowWindow(1, 65_535);
        window.consume(65_535);
        assertEquals(0, window.size());
        window.expand(10);
        window.consume(0);
        assertEquals(10, window.size());
    }

    @Test
    void growsToExactly2To31Minus1AndNoFurther() throws Http2Exception {
        FlowWindow window = new FlowWindow(3, 65_535);
        window.expand(Integer.MAX_VALUE - 65_535);
        assertEquals(Integer.MAX_VALUE, window.size());
        StreamException e = assertThrows(StreamException.class, () -> window.expand(1));
        assertEquals(ErrorCode.FLOW_CONTROL_ERROR, e.errorCode());
        assertEquals(3, e.streamId());
        assertEquals("WINDOW_UPDATE of 1 takes the window of stream 3 to 2147483648, beyond 2^31-1", e.getMessage());
        assertEquals(Integer.MAX_VALUE, window.size());
    }

    @Test
    void overflowOfTheConnectionWindowIsAConnectionError() {
        FlowWindow connection = new FlowWindow(0, Integer.MAX_VALUE);
        ConnectionException e = assertThrows(ConnectionException.class, () -> connection.expand(Integer.MAX_VALUE));
        assertEquals(ErrorCode.FLOW_CONTROL_ERROR, e.errorCode());
        assertEquals("WINDOW_UPDATE of 2147483647 takes the window of the connection to 4294967294, beyond 2^31-1",
                e.getMessage());
    }

    @Test
    void refusesDataBeyondTheWindow() throws Http2Exception {
        FlowWindow stream = new FlowWindow(5, 100);
        stream.consume(60);
        StreamException e = assertThrows(StreamException.class, () -> stream.consume(41));
        assertEquals("41 bytes of DATA exceed the flow-control window of 40 bytes on stream 5", e.getMessage());
        assertEquals(ErrorCode.FLOW_CONTROL_ERROR, e.errorCode());
        assertThrows(ConnectionException.class, () -> new FlowWindow(0, 0).consume(1));
    }

    @Test
    void goesNegativeWhenTheInitialWindowSizeShrinksAndRecoversWithUpdates() throws Http2Exception {
        // §6.9.2: 60,000 bytes in flight, then the initial window drops from 65,535 to 16,384.
        FlowWindow window = new FlowWindow(1, 65_535);
        window.consume(60_000);
        window.shift(16_384 - 65_535);
        assertEquals(5_535 - 49_151, window.size());
        assertThrows(StreamException.class, () -> window.consume(1));
        window.expand(43_616);
        assertEquals(0, window.size());
        window.expand(1);
        window.consume(1);
    }

    @Test
    void aSettingsChangeBeyond2To31Minus1IsAConnectionErrorEvenForAStream() throws Http2Exception {
        FlowWindow window = new FlowWindow(7, 65_535);
        window.expand(Integer.MAX_VALUE - 65_535 - 10);
        ConnectionException e = assertThrows(ConnectionException.class, () -> window.shift(11));
        assertEquals(ErrorCode.FLOW_CONTROL_ERROR, e.errorCode());
        assertEquals("SETTINGS_INITIAL_WINDOW_SIZE change of 11 takes the window of stream 7 to 2147483648, beyond"
                + " 2^31-1", e.getMessage());
        window.shift(10);
        assertEquals(Integer.MAX_VALUE, window.size());
        window.shift(-Integer.MAX_VALUE);
        window.shift(-Integer.MAX_VALUE);
        assertEquals(-Integer.MAX_VALUE, window.size());
    }

    @Test
    void refusesBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> new FlowWindow(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> new FlowWindow(0, -1));
        assertThrows(IllegalArgumentException.class, () -> new FlowWindow(0, 10).expand(0));
        assertThrows(IllegalArgumentException.class, () -> new FlowWindow(0, 10).consume(-1));
    }
}
