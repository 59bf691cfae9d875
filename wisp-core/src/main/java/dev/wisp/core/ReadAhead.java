package dev.wisp.core;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * The bytes of a run that {@link WireInput} read from a channel ahead of its reader, in a pooled direct buffer.
 * A byte array read through a socket channel goes through a temporary direct buffer of the JDK, one small read at
 * a time; reading into a direct buffer of our own takes the same two copies (socket to buffer, buffer to array)
 * in a few large reads, so a large body costs fewer system calls and wake-ups.
 *
 * <p>A buffer is held only while it has bytes: it goes back to the pool as soon as the last one is taken, so a
 * connection between messages holds none. Not thread-safe: the {@link WireInput}'s thread alone uses it.
 */
final class ReadAhead {
    private final ReadableByteChannel channel;
    private final DirectBufferPool pool;
    /** Bytes read and not yet taken, between position and limit; null when there are none. */
    private ByteBuffer buffer;

    ReadAhead(ReadableByteChannel channel, DirectBufferPool pool) {
        this.channel = channel;
        this.pool = pool;
    }

    /** The number of bytes read ahead and not yet taken. */
    int buffered() {
        return buffer == null ? 0 : buffer.remaining();
    }

    /**
     * Reads up to {@code run} bytes from the channel, at most a buffer's capacity, blocking until at least one
     * arrives. Call it only when nothing is buffered.
     *
     * @return false at the end of the stream
     * @throws NoDirectBufferException if no direct buffer could be had, before anything was read
     */
    boolean fill(long run) throws IOException {
        ByteBuffer fresh;
        try {
            fresh = pool.acquire();
        } catch (OutOfMemoryError e) {
            // Direct memory is short (-XX:MaxDirectMemorySize), which the heap may not be.
            throw new NoDirectBufferException(e);
        }
        boolean filled = false;
        try {
            fresh.limit((int) Math.min(fresh.capacity(), run));
            // A blocking channel returns 0 only when the buffer has no room, which run > 0 rules out: no byte is the
            // end.
            filled = channel.read(fresh) > 0;
        } finally {
            if (!filled) {
                pool.release(fresh);
            }
        }
        if (filled) {
            buffer = fresh.flip();
        }
        return filled;
    }

    /** Moves up to length buffered bytes into the array; call it only when some are buffered. */
    int take(byte[] destination, int offset, int length) {
        int n = Math.min(length, buffer.remaining());
        buffer.get(destination, offset, n);
        releaseIfEmpty();
        return n;
    }

    /** Takes one buffered byte; call it only when one is buffered. */
    int takeByte() {
        int b = buffer.get() & 0xff;
        releaseIfEmpty();
        return b;
    }

    private void releaseIfEmpty() {
        if (!buffer.hasRemaining()) {
            release();
        }
    }

    /** Gives the buffer back whatever it holds; for a connection that is closing. */
    void release() {
        if (buffer != null) {
            pool.release(buffer);
            buffer = null;
        }
    }

    /** No direct buffer could be had for a read ahead: the caller reads without one. */
    static final class NoDirectBufferException extends IOException {
        private static final long serialVersionUID = 1L;

        NoDirectBufferException(OutOfMemoryError cause) {
            super("no direct buffer for a read ahead: " + cause.getMessage(), cause);
        }
    }
}
