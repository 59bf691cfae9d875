package dev.wisp.http2;

/**
 * The receiving side of one flow-control window (RFC 9113 §5.2, §6.9), a stream's or the connection's: DATA the peer
 * sends takes from it, and the bytes come back as the application consumes them, announced in a WINDOW_UPDATE once
 * half the window waits to be given back, so updates stay few. The bytes a receiver holds unread are thereby bounded
 * by the window: a peer that sends more breaks flow control.
 *
 * <p>Thread-safe: the connection's reading thread takes, the threads that consume the data give back.
 */
public final class ReceiveWindow {
    private final FlowWindow window;
    private final int size;
    private int unannounced;

    /**
     * @param streamId the stream, or 0 for the connection
     * @param size the window the peer was told of: SETTINGS_INITIAL_WINDOW_SIZE for a stream, the connection's
     *     65,535 plus any WINDOW_UPDATE we sent for it
     */
    public ReceiveWindow(int streamId, int size) {
        this.window = new FlowWindow(streamId, size);
        this.size = size;
    }

    /**
     * Takes a DATA frame's flow-controlled length (§6.9.1: padding included).
     *
     * @throws Http2Exception FLOW_CONTROL_ERROR if the peer sent more than the window allows: a stream error for a
     *     stream's window, a connection error for the connection's
     */
    public synchronized void take(int bytes) throws Http2Exception {
        window.consume(bytes);
    }

    /**
     * Gives back bytes the application consumed or dropped.
     *
     * @return the increment to announce in a WINDOW_UPDATE now, or 0 while less than half the window waits
     */
    public synchronized int giveBack(int bytes) {
        if (bytes <= 0) {
            return 0;
        }
        unannounced += bytes;
        if (unannounced < size / 2) {
            return 0;
        }
        int increment = unannounced;
        unannounced = 0;
        try {
            window.expand(increment);
        } catch (Http2Exception e) {
            // Unreachable: what comes back was taken before, so the window never passes its size.
            throw new IllegalStateException(e);
        }
        return increment;
    }

    /** The bytes the peer may still send. */
    public synchronized int available() {
        return window.size();
    }
}
