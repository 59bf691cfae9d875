package dev.wisp.transport;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * A blocking socket as an {@link OutputStream}, with a deadline on each write: a blocking socket writes
 * every byte before returning, so a peer that stops reading would hold the write, and the connection's thread,
 * forever. Writes go out in slices of at most {@link #SLICE} bytes, each under a fresh deadline that the
 * {@link TimeoutSweeper} enforces by closing the connection; a peer that reads slowly but steadily is not cut off.
 * On a socket that can try a write without blocking ({@link StreamSocket#writeNow}), the deadline is set only when
 * a slice must wait.
 *
 * <p>One thread writes and sets the deadline at a time; the sweeper reads it.
 */
final class ChannelOutput extends OutputStream {
    static final int SLICE = 64 * 1024;

    private final StreamSocket socket;
    private final long timeoutNanos;
    private volatile long deadlineNanos;
    private long written;
    private long writeCalls;

    ChannelOutput(StreamSocket socket, long timeoutNanos) {
        this.socket = socket;
        this.timeoutNanos = timeoutNanos;
    }

    /** How many bytes went to the socket so far; read by the writing thread only. */
    long written() {
        return written;
    }

    /**
     * How many times a write went down to the socket so far, one system call each; read by the writing thread
     * only. Tests count a handshake's writes with it: a flight should take one.
     */
    long writeCalls() {
        return writeCalls;
    }

    /** The deadline of the write in progress, or 0 if none is. */
    long deadlineNanos() {
        return deadlineNanos;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        try {
            for (int done = 0; done < length; ) {
                int slice = Math.min(SLICE, length - done);
                ByteBuffer buffer = ByteBuffer.wrap(bytes, offset + done, slice);
                // What the socket takes at once needs no deadline, nor a clock read for one: only a wait does.
                if (socket.writeNow(buffer) >= 0) {
                    writeCalls++;
                }
                if (buffer.hasRemaining()) {
                    deadlineNanos = System.nanoTime() + timeoutNanos;
                    do {
                        socket.write(buffer);
                        writeCalls++;
                    } while (buffer.hasRemaining());
                }
                done += slice;
                written += slice;
            }
        } finally {
            if (deadlineNanos != 0) {
                deadlineNanos = 0;
            }
        }
    }
}
