package dev.wisp.transport;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * A blocking socket as an {@link InputStream}, with the connection's read deadline attached. Reads block
 * without a socket timeout; the {@link TimeoutSweeper} compares the deadline with the clock and shuts the input
 * of a connection that is late, which ends its blocked read. This keeps timers off the per-read path: an idle
 * connection parks in one untimed read and holds no timer object.
 *
 * <p>It is a {@link ReadableByteChannel} too, so a reader with a direct buffer of its own can take bytes without the
 * JDK copying them through a temporary direct buffer, as it does for a byte array. Closing it closes nothing: the
 * transport owns the socket.
 *
 * <p>The connection's thread reads and sets the deadline; the sweeper reads the deadline.
 */
final class ChannelInput extends InputStream implements ReadableByteChannel {
    private final StreamSocket socket;
    private volatile long deadlineNanos;
    private long perReadTimeoutNanos;
    /** Whether {@link #deadlineNanos} was set by {@link #deadline(long)}, rather than by the read waiting under it. */
    private volatile boolean absoluteDeadline;
    private boolean ended;
    /** Whether reads are refused while the heap is nearly full ({@link #shedUnderHeapPressure}). */
    private boolean shedUnderHeapPressure;
    /** How many reads returned, for {@link #reads()}; written by the reading thread only. */
    private long reads;
    /** How many bytes those reads returned, for {@link #bytesRead()}; likewise. */
    private long bytesRead;
    /** A byte {@link #peekNow()} read, returned first by the next read; -1 when none. */
    private int peeked = -1;

    ChannelInput(StreamSocket socket) {
        this.socket = socket;
    }

    /** Every read until the next call must finish by this absolute {@link System#nanoTime()} deadline. */
    void deadline(long nanos) {
        perReadTimeoutNanos = 0;
        absoluteDeadline = true;
        deadlineNanos = nanos;
    }

    /**
     * Each read, from now on, may block for at most this long. A read already waiting (on another thread) keeps the
     * deadline it started with: clearing it would let that read wait forever.
     */
    void perReadTimeout(long nanos) {
        perReadTimeoutNanos = nanos;
        if (absoluteDeadline) {
            absoluteDeadline = false;
            deadlineNanos = 0;
        }
    }

    /** Whether, from now on, reads fail with {@link LoadShedException} while the heap is nearly full. */
    void shedUnderHeapPressure(boolean shed) {
        shedUnderHeapPressure = shed;
    }

    /** Whether a read found the end of the stream: the peer closed its side, or the sweeper shut the input. */
    boolean hasEnded() {
        return ended;
    }

    /** Whether {@link #peekNow()} read a byte that no read has returned yet. */
    boolean hasPeeked() {
        return peeked >= 0;
    }

    /** Whether the deadline in force is an absolute one ({@link #deadline(long)}), not each read's own. */
    boolean hasAbsoluteDeadline() {
        return absoluteDeadline;
    }

    /** The deadline of the read in progress, or 0 if no read is waiting under one. */
    long deadlineNanos() {
        return deadlineNanos;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] bytes, int offset, int length) throws IOException {
        return length == 0 ? 0 : read(ByteBuffer.wrap(bytes, offset, length));
    }

    /** Reads into the buffer's remaining space, under the same deadline as a read into an array. */
    @Override
    public int read(ByteBuffer destination) throws IOException {
        if (!destination.hasRemaining()) {
            return 0;
        }
        if (peeked >= 0) {
            destination.put((byte) peeked);
            peeked = -1;
            return 1 + readRestNow(destination);
        }
        if (shedUnderHeapPressure && HeapPressure.isHigh()) {
            throw new LoadShedException();
        }
        int n;
        if (perReadTimeoutNanos == 0) {
            n = socket.read(destination);
        } else {
            deadlineNanos = System.nanoTime() + perReadTimeoutNanos;
            try {
                n = socket.read(destination);
            } finally {
                deadlineNanos = 0;
            }
        }
        reads++;
        if (n < 0) {
            ended = true;
        } else {
            bytesRead += n;
        }
        return n;
    }

    /** How many blocking reads have returned so far; for another thread, a recent count, not an exact one. */
    long reads() {
        return reads;
    }

    /** How many bytes the blocking reads have returned so far; for another thread, a recent count. */
    long bytesRead() {
        return bytesRead;
    }

    /**
     * Takes, without blocking, what arrived with a peeked byte, which is mostly the rest of its request: one
     * call where a second read would take another. The end of the stream or a failure is left for the next read to
     * report, so the peeked byte is returned either way.
     */
    private int readRestNow(ByteBuffer destination) {
        if (!destination.hasRemaining()) {
            return 0;
        }
        try {
            return Math.max(0, socket.readNow(destination));
        } catch (IOException e) {
            return 0;
        }
    }

    @Override
    public boolean isOpen() {
        return socket.isOpen();
    }

    /**
     * Reads what has arrived without blocking: -1 at the end of the stream, 0 when nothing has, else the bytes
     * read.
     */
    int readNow(byte[] bytes, int offset, int length) throws IOException {
        if (peeked >= 0) {
            return read(bytes, offset, length);
        }
        int n = socket.readNow(ByteBuffer.wrap(bytes, offset, length));
        if (n < 0) {
            ended = true;
        }
        return n;
    }

    /**
     * Waits at most this long for a byte, and keeps it for the next read. Unlike the untimed reads, this arms a
     * timer; it is for a connection deciding whether to keep its thread for a wait or to give it up.
     *
     * @return true if a byte or the end of the stream arrived in time (or the input is shut), false if the time
     *     passed first
     */
    boolean awaitByte(long nanos) throws IOException {
        if (peeked >= 0) {
            return true;
        }
        byte[] one = new byte[1];
        try {
            int n = socket.readWithin(ByteBuffer.wrap(one), nanos);
            if (n == 0) {
                return false;
            }
            if (n < 0) {
                ended = true;
            } else {
                peeked = one[0] & 0xff;
            }
            return true;
        } catch (SocketException e) {
            return true; // shut or closed: the next read says which
        }
    }

    /**
     * Looks, without blocking, whether a byte has arrived: -1 at the end of the stream, 0 when none has, 1 when
     * one has (it is kept and returned by the next read, so nothing is lost).
     */
    int peekNow() throws IOException {
        if (peeked >= 0) {
            return 1;
        }
        byte[] one = new byte[1];
        int n = readNow(one, 0, 1);
        if (n > 0) {
            peeked = one[0] & 0xff;
        }
        return n;
    }
}
