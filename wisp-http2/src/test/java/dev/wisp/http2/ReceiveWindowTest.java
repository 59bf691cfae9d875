package dev.wisp.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ReceiveWindowTest {

    @Test
    void announcesWhatCameBackOnceHalfTheWindowWaits() throws Exception {
        ReceiveWindow window = new ReceiveWindow(1, 100);
        window.take(80);
        assertEquals(20, window.available());
        assertEquals(0, window.giveBack(30));
        assertEquals(20, window.available(), "nothing announced yet, so the peer may send no more");
        assertEquals(50, window.giveBack(20));
        assertEquals(70, window.available());
        assertEquals(0, window.giveBack(0));
    }

    @Test
    void refusesMoreThanTheWindowAsAStreamErrorForAStreamAndAConnectionErrorForTheConnection() throws Exception {
        ReceiveWindow stream = new ReceiveWindow(3, 10);
        stream.take(10);
        StreamException streamError = assertThrows(StreamException.class, () -> stream.take(1));
        assertEquals(ErrorCode.FLOW_CONTROL_ERROR, streamError.errorCode());
        assertEquals(3, streamError.streamId());

        ReceiveWindow connection = new ReceiveWindow(0, 65_535);
        ConnectionException connectionError = assertThrows(ConnectionException.class, () -> connection.take(65_536));
        assertEquals(ErrorCode.FLOW_CONTROL_ERROR, connectionError.errorCode());
    }
}
