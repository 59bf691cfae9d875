package dev.wisp.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wisp.core.WireOutput;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * ReceiveFlow on a server's connection, whose connection credit goes back as content is read, except for a stream
 * that carries a tunnel (RFC 8441), whose connection credit goes back as its content arrives: the WINDOW_UPDATE
 * frames each way sends, and that a reset stream's unread content is credited once.
 */
class ReceiveFlowTest {
    private static final int WINDOW = 100;

    private final ByteArrayOutputStream wire = new ByteArrayOutputStream();
    private final Http2Output output = new Http2Output(WireOutput.of(wire), 1_000_000_000L);
    private final ReceiveFlow flow = new ReceiveFlow(WINDOW, output, false);

    private static Http2Stream stream(int id) {
        return new Http2Stream(id, -1, WINDOW, WINDOW, false) {
            @Override
            protected IOException resetException(ErrorCode code, boolean byPeer) {
                return new IOException("reset " + code);
            }

            @Override
            protected IOException readTimeoutException() {
                return new IOException("timeout");
            }
        };
    }

    private void arrive(Http2Stream stream, int bytes) throws IOException {
        DataFrame frame = new DataFrame(stream.id(), new byte[bytes], false);
        flow.charge(frame);
        flow.deliver(stream, frame);
    }

    private List<String> written() throws IOException {
        List<String> frames = Frames.read(wire.toByteArray());
        wire.reset();
        return frames;
    }

    @Test
    void givesAnOrdinaryStreamsConnectionCreditBackAsItIsRead() throws IOException {
        Http2Stream stream = stream(1);
        arrive(stream, 60);
        assertEquals(List.of(), written(), "nothing back before the read");
        stream.read(new byte[60], 0, 60, 0);
        flow.giveBack(stream, 60);
        assertEquals(List.of("WINDOW_UPDATE 0 60", "WINDOW_UPDATE 1 60"), written());
    }

    @Test
    void givesATunnelsConnectionCreditBackAsItArrivesAndItsStreamCreditAsItIsRead() throws IOException {
        Http2Stream tunnel = stream(1);
        tunnel.creditConnectionOnArrival();
        arrive(tunnel, 60);
        assertEquals(List.of("WINDOW_UPDATE 0 60"), written(), "the connection's at once, unread");
        arrive(tunnel, 30);
        assertEquals(List.of(), written(), "less than half the connection's window waits");
        tunnel.read(new byte[90], 0, 90, 0);
        flow.giveBack(tunnel, 90);
        assertEquals(List.of("WINDOW_UPDATE 1 90"), written(), "the stream's only: the connection's went back");
    }

    @Test
    void creditsAResetStreamsUnreadContentOnce() throws IOException {
        Http2Stream ordinary = stream(1);
        Http2Stream tunnel = stream(3);
        tunnel.creditConnectionOnArrival();
        arrive(tunnel, 60);
        assertEquals(List.of("WINDOW_UPDATE 0 60"), written());
        flow.dropBuffered(tunnel);
        assertEquals(List.of(), written(), "credited on arrival already");
        arrive(ordinary, 60);
        flow.dropBuffered(ordinary);
        assertEquals(List.of("WINDOW_UPDATE 0 60"), written());
        assertEquals(0, ordinary.available());
    }
}
