package dev.wisp.http2;

import java.io.IOException;

/**
 * The receiving side of one connection's flow control (RFC 9113 §5.2, §6.9): charges each DATA frame to the
 * connection's window and its stream's, hands the content to the stream, and gives credit back in WINDOW_UPDATE
 * frames once the application has read it, or at once for content nobody will read (padding, a dropped or refused
 * frame). Shared by the server's and the client's connections.
 *
 * <p>Where the connection's credit goes back is the side's choice. A server gives it back as handlers read, so the
 * request content a connection holds is bounded by the connection's window. A client gives it back as DATA
 * arrives, and bounds what it holds by each stream's window: the responses its calls have not begun to read could
 * otherwise take the whole connection window, and the one a call reads would stall behind them. A server's stream
 * that carries a long-lived tunnel, a WebSocket (RFC 8441), is treated as a client's streams are
 * ({@link Http2Stream#creditConnectionOnArrival()}): one that its application reads slowly, or not at all, would
 * otherwise hold its window's worth of the connection's for as long as it lives.
 *
 * <p>Thread-safe: the reading thread charges and delivers, the application's threads give back.
 */
public final class ReceiveFlow {
    private final ReceiveWindow connectionWindow;
    private final Http2Output output;
    private final boolean connectionCreditOnArrival;

    /**
     * @param connectionWindowSize the connection's receive window, as our preface announced it
     * @param connectionCreditOnArrival whether the connection's credit goes back as DATA arrives, not as it is read
     */
    public ReceiveFlow(int connectionWindowSize, Http2Output output, boolean connectionCreditOnArrival) {
        this.connectionWindow = new ReceiveWindow(0, connectionWindowSize);
        this.output = output;
        this.connectionCreditOnArrival = connectionCreditOnArrival;
    }

    /**
     * Charges a DATA frame to the connection's window, before anything else is done with it.
     *
     * @throws Http2Exception FLOW_CONTROL_ERROR if the peer sent more than the window allowed
     */
    public void charge(DataFrame frame) throws IOException {
        connectionWindow.take(frame.flowControlledLength());
        if (connectionCreditOnArrival) {
            creditConnection(frame.flowControlledLength());
        }
    }

    /**
     * Hands a charged DATA frame's content to its stream, charging the stream's window; what the stream does not
     * keep, and the padding, is credited back at once.
     *
     * @return whether the stream kept the content for its reader
     * @throws Http2Exception if the stream's window is exceeded, or the content breaks its declared length; the
     *     frame's credit is given back to the connection first
     */
    public boolean deliver(Http2Stream stream, DataFrame frame) throws IOException {
        int length = frame.flowControlledLength();
        boolean kept;
        try {
            stream.receiveWindow.take(length);
            kept = stream.receive(frame.data(), frame.endStream());
        } catch (Http2Exception e) {
            giveBack(null, length);
            throw e;
        }
        if (!connectionCreditOnArrival && stream.isConnectionCreditedOnArrival()) {
            creditConnection(length);
        }
        if (!kept) {
            giveBack(stream, length);
        } else if (frame.padding() > 0) {
            giveBack(stream, length - frame.data().length);
        }
        return kept;
    }

    /**
     * Gives credit back to the stream's window unless it is null or ended, and to the connection's unless that went
     * back on arrival (for every stream, or for this one), announcing what is due in WINDOW_UPDATE frames. Content
     * that a stream took must be given back with that stream, not null, so that its credit goes back once.
     */
    public void giveBack(Http2Stream stream, int bytes) throws IOException {
        if (bytes <= 0) {
            return;
        }
        if (!connectionCreditOnArrival && (stream == null || !stream.isConnectionCreditedOnArrival())) {
            creditConnection(bytes);
        }
        if (stream != null && !stream.isRemoteEnded()) {
            int streamIncrement = stream.receiveWindow.giveBack(bytes);
            if (streamIncrement > 0) {
                output.write(new WindowUpdateFrame(stream.id(), streamIncrement));
            }
        }
    }

    /**
     * Drops the content a stream holds unread (it was reset, or is being) and gives the connection's credit for it
     * back, unless it went back on arrival; the stream's own window does not matter any more.
     */
    public void dropBuffered(Http2Stream stream) throws IOException {
        int bytes = stream.discardBuffered();
        if (bytes > 0 && !connectionCreditOnArrival && !stream.isConnectionCreditedOnArrival()) {
            creditConnection(bytes);
        }
    }

    private void creditConnection(int bytes) throws IOException {
        int connectionIncrement = connectionWindow.giveBack(bytes);
        if (connectionIncrement > 0) {
            output.write(new WindowUpdateFrame(0, connectionIncrement));
        }
    }
}
