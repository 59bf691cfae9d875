package dev.wisp.http2;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.LongFunction;

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
 * <p>Thread-safe: each change is atomic, so that a connection's reading thread applies the peer's WINDOW_UPDATE and
 * SETTINGS while a writer, holding the connection's output, takes from the window.
 */
public final class FlowWindow {
    private static final VarHandle SIZE;

    static {
        try {
            SIZE = MethodHandles.lookup().findVarHandle(FlowWindow.class, "size", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int streamId;
    @SuppressWarnings("unused") // changed through SIZE
    private volatile int size;

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
        add(-bytes, next -> next < 0 ? error(ErrorCode.FLOW_CONTROL_ERROR, bytes + " bytes of DATA exceed the"
                + " flow-control window of " + (next + bytes) + " bytes on " + where()) : null);
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
        add(increment, next -> next > Settings.MAX_WINDOW_SIZE ? error(ErrorCode.FLOW_CONTROL_ERROR, "WINDOW_UPDATE of "
                + increment + " takes the window of " + where() + " to " + next + ", beyond 2^31-1") : null);
    }

    /**
     * Shifts a stream's window by the change of SETTINGS_INITIAL_WINDOW_SIZE, new value minus old (§6.9.2). The
     * window may become negative.
     *
     * @throws ConnectionException FLOW_CONTROL_ERROR if the window would exceed 2^31-1: §6.9.2 makes that a
     *         connection error whichever stream it hits
     */
    public void shift(int delta) throws ConnectionException {
        add(delta, next -> {
            if (next > Settings.MAX_WINDOW_SIZE) {
                return new ConnectionException(ErrorCode.FLOW_CONTROL_ERROR, "SETTINGS_INITIAL_WINDOW_SIZE change of "
                        + delta + " takes the window of " + where() + " to " + next + ", beyond 2^31-1");
            }
            // Unreachable by RFC arithmetic (a window never drops below minus what is in flight), kept so an int
            // never wraps.
            return next < Integer.MIN_VALUE ? new ConnectionException(ErrorCode.FLOW_CONTROL_ERROR,
                    "SETTINGS_INITIAL_WINDOW_SIZE change of " + delta + " takes the window of " + where() + " to "
                    + next + ", below -2^31") : null;
        });
    }

    /**
     * Adds to the window atomically, unless the size it would reach breaks a rule.
     *
     * @param broken the error for the size it would reach, or null if that size is allowed
     */
    private <E extends Http2Exception> void add(int delta, LongFunction<E> broken) throws E {
        int current;
        long next;
        do {
            current = size;
            next = (long) current + delta;
            E error = broken.apply(next);
            if (error != null) {
                throw error;
            }
        } while (!SIZE.compareAndSet(this, current, (int) next));
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
