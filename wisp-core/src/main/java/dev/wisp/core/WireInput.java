package dev.wisp.core;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.ReadableByteChannel;
import java.util.Objects;

/**
 * A buffered, blocking reader of wire bytes over an {@link InputStream} or a byte array, shared by every codec.
 * Codecs scan the buffer in place ({@link #buffer()}, {@link #position()}, {@link #limit()}) and ask for more
 * with {@link #fill()}; bodies use {@link #read(byte[], int, int)}, which bypasses the buffer for large reads.
 *
 * <p>Over a stream, the buffer comes from a {@link BufferPool} when bytes first arrive and goes back with
 * {@link #releaseIfEmpty()}, so a connection waiting for its next message holds no buffer: {@link #awaitData()}
 * waits for one byte without a buffer. A line longer than a pooled buffer gets a larger array of its own
 * ({@link #growTo(int)}), held only until what is left of it fits in a pooled buffer again.
 *
 * <p>Given a {@link DirectBufferPool} and a stream that is also a {@link ReadableByteChannel}, it reads the rest of
 * a body ahead into a direct buffer ({@link #read(byte[], int, int, long)}), at most the bytes its caller says
 * belong to the body, so the buffer is empty, and back in its pool, when the body ends.
 *
 * <p>Not thread-safe: one thread owns it, the connection's.
 */
public final class WireInput {
    private final InputStream in;
    private final BufferPool pool;
    private final byte[] single;
    /** Null unless reading ahead is possible: a channel and a pool of direct buffers. */
    private final ReadAhead ahead;
    private byte[] buffer;
    private int position;
    private int limit;
    /** The byte {@link #awaitData()} read, not yet moved into a buffer; -1 if none. */
    private int waitingByte = -1;

    private WireInput(InputStream in, BufferPool pool, ReadAhead ahead, byte[] content) {
        this.in = in;
        this.pool = pool;
        this.ahead = ahead;
        this.single = in == null ? null : new byte[1];
        this.buffer = content;
        this.limit = content == null ? 0 : content.length;
    }

    /** A reader of a stream whose buffers come from the pool. */
    public static WireInput of(InputStream in, BufferPool pool) {
        return new WireInput(Objects.requireNonNull(in, "in"), Objects.requireNonNull(pool, "pool"), null, null);
    }

    /**
     * A reader of a stream whose buffers come from the pool, and which reads runs of body bytes ahead into direct
     * buffers from the second pool when the stream is also a {@link ReadableByteChannel} (else it reads as
     * {@link #of(InputStream, BufferPool)} does).
     */
    public static WireInput of(InputStream in, BufferPool pool, DirectBufferPool readAheadPool) {
        Objects.requireNonNull(readAheadPool, "readAheadPool");
        ReadAhead ahead = in instanceof ReadableByteChannel channel ? new ReadAhead(channel, readAheadPool) : null;
        return new WireInput(Objects.requireNonNull(in, "in"), Objects.requireNonNull(pool, "pool"), ahead, null);
    }

    /** A reader of these bytes, which then reports end of stream; for codec tests and benchmarks. */
    public static WireInput of(byte[] content) {
        return new WireInput(null, null, null, Objects.requireNonNull(content, "content"));
    }

    /** The buffer; valid bytes are in {@code [position(), limit())}. {@code null} when none is held. */
    public byte[] buffer() {
        takeBufferForWaitingByte();
        return buffer;
    }

    public int position() {
        takeBufferForWaitingByte();
        return position;
    }

    public int limit() {
        takeBufferForWaitingByte();
        return limit;
    }

    /** The number of bytes read from the wire and not yet consumed. */
    public int buffered() {
        return (waitingByte >= 0 ? 1 : limit - position) + bytesReadAhead();
    }

    private int bytesReadAhead() {
        return ahead == null ? 0 : ahead.buffered();
    }

    /**
     * The most bytes the buffer holds: the longest line a codec can scan in place, unless it grows the buffer
     * ({@link #growTo(int)}). Unbounded over a byte array, which is in place whole: a line without an end there is
     * cut off by the end of the input, not by the buffer.
     */
    public int capacity() {
        if (in == null) {
            return Integer.MAX_VALUE;
        }
        return buffer != null ? buffer.length : pool.bufferSize();
    }

    /**
     * Lets the buffer hold this many unconsumed bytes, for a line longer than a pooled buffer that a codec allows (a
     * header field up to the header limit): the buffered bytes move to the start of an array of that size. The
     * array is not pooled, so that the pool's buffers stay small: the pooled buffer goes back at once, and the large
     * array is dropped for a pooled buffer again at the first {@link #fill()} that finds its unconsumed bytes fit in
     * one, or when it empties ({@link #releaseIfEmpty()}). A connection so holds it only while a long line is read.
     * Nothing happens over a byte array, or when the buffer is that large already.
     */
    public void growTo(int bytes) {
        if (in == null || bytes <= capacity()) {
            return;
        }
        takeBufferForWaitingByte();
        moveTo(new byte[bytes]);
    }

    /** Moves the unconsumed bytes to the start of this array, which becomes the buffer; the old one is let go. */
    private void moveTo(byte[] destination) {
        int unconsumed = limit - position;
        if (buffer != null) {
            System.arraycopy(buffer, position, destination, 0, unconsumed);
            giveBack(buffer);
        }
        buffer = destination;
        position = 0;
        limit = unconsumed;
    }

    /** Returns a buffer to the pool if it came from there; an array grown for a long line is dropped. */
    private void giveBack(byte[] array) {
        if (array.length == pool.bufferSize()) {
            pool.release(array);
        }
    }

    /** Marks n buffered bytes as consumed. */
    public void skip(int n) {
        takeBufferForWaitingByte();
        if (n < 0 || n > limit - position) {
            throw new IndexOutOfBoundsException("skip " + n + " of " + (limit - position) + " buffered bytes");
        }
        position += n;
    }

    /**
     * Reads more bytes from the wire into the buffer, keeping unconsumed ones (moved to the start if there is
     * no room after them). Blocks until at least one byte arrives.
     *
     * @return false at the end of the stream
     * @throws IllegalStateException if the buffer is full of unconsumed bytes; codecs check {@link #capacity()}; or
     *     if bytes read ahead for a body are still unread
     */
    public boolean fill() throws IOException {
        if (in == null) {
            return false;
        }
        if (bytesReadAhead() > 0) {
            throw new IllegalStateException(bytesReadAhead() + " bytes read ahead for a body are unread");
        }
        takeBufferForWaitingByte();
        if (buffer == null) {
            buffer = pool.acquire();
            position = 0;
            limit = 0;
        } else if (buffer.length != pool.bufferSize() && limit - position < pool.bufferSize()) {
            moveTo(pool.acquire()); // the long line that grew the buffer is consumed: back to a pooled one
        } else if (limit == buffer.length) {
            if (position == 0) {
                throw new IllegalStateException("buffer is full: " + buffer.length + " unconsumed bytes");
            }
            System.arraycopy(buffer, position, buffer, 0, limit - position);
            limit -= position;
            position = 0;
        }
        int n = in.read(buffer, limit, buffer.length - limit);
        if (n < 0) {
            return false;
        }
        limit += n;
        return true;
    }

    /**
     * Waits for the next byte without holding a buffer (for an idle connection between messages). The byte is
     * kept aside, and a buffer is taken for it only when it is read or scanned, so a connection that hands the
     * rest of its work to another thread holds no buffer meanwhile. Returns at once if bytes are buffered already.
     *
     * @return false at the end of the stream
     */
    public boolean awaitData() throws IOException {
        if (position < limit || waitingByte >= 0 || bytesReadAhead() > 0) {
            return true;
        }
        if (in == null) {
            return false;
        }
        releaseIfEmpty();
        int n = in.read(single, 0, 1);
        if (n <= 0) {
            return false;
        }
        waitingByte = single[0] & 0xff;
        return true;
    }

    /** Moves the byte {@link #awaitData()} read into a pooled buffer, where codecs can scan it. */
    private void takeBufferForWaitingByte() {
        if (waitingByte >= 0) {
            if (buffer == null) {
                buffer = pool.acquire();
            }
            buffer[0] = (byte) waitingByte;
            position = 0;
            limit = 1;
            waitingByte = -1;
        }
    }

    /** Returns one byte, or -1 at the end of the stream. */
    public int readByte() throws IOException {
        if (waitingByte >= 0) {
            int b = waitingByte;
            waitingByte = -1;
            return b;
        }
        if (bytesReadAhead() > 0) {
            return ahead.takeByte();
        }
        if (position == limit && !fill()) {
            return -1;
        }
        return buffer[position++] & 0xff;
    }

    /**
     * Reads up to len bytes: buffered bytes first; when none are buffered and the read is at least a buffer's
     * size, straight from the stream so large bodies are not copied twice.
     *
     * @return the number of bytes read, or -1 at the end of the stream
     */
    public int read(byte[] destination, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, destination.length);
        if (length == 0) {
            return 0;
        }
        if (waitingByte >= 0) {
            destination[offset] = (byte) waitingByte;
            waitingByte = -1;
            return 1;
        }
        if (bytesReadAhead() > 0) {
            return ahead.take(destination, offset, length);
        }
        if (position == limit) {
            if (in != null && length >= pool.bufferSize()) {
                releaseIfEmpty();
                return in.read(destination, offset, length);
            }
            if (!fill()) {
                return -1;
            }
        }
        int n = Math.min(length, limit - position);
        System.arraycopy(buffer, position, destination, offset, n);
        position += n;
        return n;
    }

    /**
     * Reads up to len bytes of a run of {@code run} bytes (at least len) that all belong to the message being
     * read, such as the rest of a body: when nothing is buffered and this reader has a direct pool, up to
     * {@code run} bytes are read from the channel at once, and the later reads of the run are served from them.
     * Never reads past the run, so the next message stays on the wire. Should direct memory be short, the read
     * goes on without a direct buffer.
     *
     * @return the number of bytes read, or -1 at the end of the stream
     */
    public int read(byte[] destination, int offset, int length, long run) throws IOException {
        if (run < length) {
            throw new IllegalArgumentException("run of " + run + " bytes is shorter than the read of " + length);
        }
        if (ahead == null || length == 0 || buffered() > 0) {
            return read(destination, offset, length);
        }
        Objects.checkFromIndexSize(offset, length, destination.length);
        releaseIfEmpty();
        try {
            return ahead.fill(run) ? ahead.take(destination, offset, length) : -1;
        } catch (ReadAhead.NoDirectBufferException e) {
            return read(destination, offset, length); // slower, in more reads, and as correct
        }
    }

    /**
     * Reads exactly len bytes.
     *
     * @throws EOFException if the stream ends first
     */
    public void readFully(byte[] destination, int offset, int length) throws IOException {
        while (length > 0) {
            int n = read(destination, offset, length);
            if (n < 0) {
                throw new EOFException("stream ended " + length + " bytes short");
            }
            offset += n;
            length -= n;
        }
    }

    /** Returns the buffer to the pool if nothing is buffered, so an idle connection holds none. */
    public void releaseIfEmpty() {
        if (buffer != null && position == limit && in != null) {
            giveBack(buffer);
            buffer = null;
            position = 0;
            limit = 0;
        }
    }

    /** Returns the buffer to the pool whatever it holds; for a connection that is closing. */
    public void release() {
        if (buffer != null && in != null) {
            giveBack(buffer);
        }
        if (ahead != null) {
            ahead.release();
        }
        waitingByte = -1;
        buffer = null;
        position = 0;
        limit = 0;
    }
}
