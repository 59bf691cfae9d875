package dev.wisp.http2;

/**
 * One flow-control window (RFC 9113 §5.2, §6.9): of a stream, or of the whole connection (stream 0), on the sending
 * or the receiving side. DATA frames {@link #consume(int)} it, WINDOW_UPDATE frames {@link #expand(int)} it, and a new
 * SETTINGS_INITIAL_WINDOW_SIZE shifts every stream's window by the difference ({@link #shift(int)}), which may leave
 * it negative (§6.9.2): a sender then waits for WINDOW_UPDATE frames until it is positive again.
 *
 * <p>A window can never exceed 2^31-1 bytes: an update that would take it beyond is a FLOW_CONTROL_ERROR, of the
 * stream for a stream's window, of the connection for the connection's window and for any window a settings change
 * pushes beyond.
 *
 * <p>Not thread-safe: the connection guards its windows with its own lock.
 */
public final class FlowWindow {
    private final int streamId;
    private int size;

    /**
     * @param streamId the stream whose window this is, 0 for the connection's
     * @param initialSize the starting size: 65,535 for the connection, the initial window size setting for a stream
     * @throws IllegalArgumentException if the stream id or the size is negative
     */
    public FlowWindow(int streamId, int initialSize) {
        if (streamId < 0) {
            throw new IllegalArgumentException("stream id must be 0 to 2^31-1: " + streamId);
        }
        if (initialSize < 0) {
            throw new IllegalArgumentException("initial window size must be 0 to 2^31-1: " + initialSize);
        }
        this.streamId = streamId;
        this.size = initialSize;
    }

    /** The stream, 0 for the connection. */
    public int streamId() {
        return streamId;
    }

    /** The bytes that may be sent now; negative after a settings change shrank the window below what was in flight. */
    public int size() {
        return size;
    }

    /**
     * Takes the flow-controlled length of a DATA frame out of the window.
     *
     * @throws Http2Exception FLOW_CONTROL_ERROR if the frame is larger than the window (a peer that sent more than we
     *         allowed: a stream error for a stream's window, a connection error for the connection's)
     * @throws IllegalArgumentException if {@code bytes} is negative
     */
    public void consume(int bytes) throws Http2Exception {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes must not be negative: " + bytes);
        }
        if (bytes > size) {
            throw error(ErrorCode.FLOW_CONTROL_ERROR, bytes + " bytes of DATA exceed the flow-control window of "
                    + size + " bytes on " + where());
        }
        size -= bytes;
    }

    /**
     * Adds a WINDOW_UPDATE's increment.
     *
     * @throws Http2Exception FLOW_CONTROL_ERROR if the window would exceed 2^31-1 (§6.9.1): a stream error for a
     *         stream's window, a connection error for the connection's
     * @throws IllegalArgumentException if {@code increment} is not positive (the reader refuses 0 before this)
     */
    public void expand(int increment) throws Http2Exception {
        if (increment <= 0) {
            throw new IllegalArgumentException("increment must be 1 to 2^31-1: " + increment);
        }
        long next = (long) size + increment;
        if (next > Settings.MAX_WINDOW_SIZE) {
            throw error(ErrorCode.FLOW_CONTROL_ERROR, "WINDOW_UPDATE of " + increment + " takes the window of "
                    + where() + " to " + next + ", beyond 2^31-1");
        }
        size = (int) next;
    }

    /**
     * Shifts a stream's window by the change of SETTINGS_INITIAL_WINDOW_SIZE, new value minus old (§6.9.2). The
     * window may become negative.
     *
     * @throws ConnectionException FLOW_CONTROL_ERROR if the window would exceed 2^31-1: §6.9.2 makes that a
     *         connection error whichever stream it hits
     */
    public void shift(int delta) throws ConnectionException {
        long next = (long) size + delta;
        if (next > Settings.MAX_WINDOW_SIZE) {
            throw new ConnectionException(ErrorCode.FLOW_CONTROL_ERROR, "SETTINGS_INITIAL_WINDOW_SIZE change of "
                    + delta + " takes the window of " + where() + " to " + next + ", beyond 2^31-1");
        }
        if (next < Integer.MIN_VALUE) {
            // Unreachable by RFC arithmetic (a window never drops below minus what is in flight), kept so an int
            // never wraps.
            throw new ConnectionException(ErrorCode.FLOW_CONTROL_ERROR, "SETTINGS_INITIAL_WINDOW_SIZE change of "
                    + delta + " takes the window of " + where() + " to " + next + ", below -2^31");
        }
        size = (int) next;
    }

    private String where() {
        return streamId == 0 ? "the connection" : "stream " + streamId;
    }

    private Http2Exception error(ErrorCode code, String message) {
        return streamId == 0 ? new ConnectionException(code, message) : new StreamException(code, streamId, message);
    }

    @Override
    public String toString() {
        return "FlowWindow[" + where() + ": " + size + "]";
    }
}
