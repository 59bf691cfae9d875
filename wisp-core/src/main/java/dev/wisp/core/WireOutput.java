package dev.wisp.core;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/**
 * A buffered writer of wire bytes over an {@link OutputStream}, shared by every codec. The buffer comes from a
 * {@link BufferPool} on the first write and goes back with {@link #flush()}, so a connection between messages
 * holds none. Writes larger than the free room go straight to the stream after the buffered bytes.
 *
 * <p>Not thread-safe: one thread writes at a time (HTTP/2 guards it with the connection's write lock).
 */
public final class WireOutput {
    private final OutputStream out;
    private final BufferPool pool;
    private byte[] buffer;
    private int count;

    private WireOutput(OutputStream out, BufferPool pool) {
        this.out = out;
        this.pool = pool;
    }

    /** A writer to a stream whose buffers come from the pool. */
    public static WireOutput of(OutputStream out, BufferPool pool) {
        return new WireOutput(Objects.requireNonNull(out, "out"), Objects.requireNonNull(pool, "pool"));
    }

    /** A writer to a stream with a small private pool; for codec tests. */
    public static WireOutput of(OutputStream out) {
        return of(out, new BufferPool(1024, 1));
    }

    public void write(int b) throws IOException {
        if (buffer == null) {
            buffer = pool.acquire();
        } else if (count == buffer.length) {
            drain();
        }
        buffer[count++] = (byte) b;
    }

    public void write(byte[] bytes) throws IOException {
        write(bytes, 0, bytes.length);
    }

    public void write(byte[] bytes, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        if (buffer == null) {
            buffer = pool.acquire();
        }
        if (length > buffer.length - count) {
            drain();
            if (length >= buffer.length) {
                out.write(bytes, offset, length);
                return;
            }
        }
        System.arraycopy(bytes, offset, buffer, count, length);
        count += length;
    }

    /** Writes text that is ASCII or Latin-1 (HTTP/1.1 heads), one byte per char. */
    @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int) is exact for Latin-1 text
    public void writeLatin1(String text) throws IOException {
        int length = text.length();
        if (buffer == null) {
            buffer = pool.acquire();
        }
        if (length > buffer.length - count) {
            drain();
            if (length > buffer.length) {
                out.write(Ascii.bytes(text));
                return;
            }
        }
        // One bulk copy of the string's bytes, where a loop over charAt costs a bounds check and a branch per char.
        text.getBytes(0, length, buffer, count);
        count += length;
    }

    /** Writes a non-negative number in decimal. */
    public void writeDecimal(long value) throws IOException {
        writeLatin1(Long.toString(value));
    }

    /** Writes a non-negative number in lower-case hexadecimal (chunk sizes). */
    public void writeHex(long value) throws IOException {
        writeLatin1(Long.toHexString(value));
    }

    /** Bytes buffered and not yet written to the stream. */
    public int buffered() {
        return count;
    }

    /** Writes the buffered bytes and flushes the stream, then gives the buffer back to the pool. */
    public void flush() throws IOException {
        try {
            drain();
            out.flush();
        } finally {
            release();
        }
    }

    private void drain() throws IOException {
        if (count > 0) {
            out.write(buffer, 0, count);
            count = 0;
        }
    }

    /**
     * Writes the bytes to the stream and flushes it ahead of those buffered, which stay buffered: an interim answer
     * (HTTP/1.1's {@code 100 Continue}) that must reach the peer before a final head already buffered.
     */
    public void writeAhead(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Drops buffered bytes and gives the buffer back; for a connection that is closing. */
    public void release() {
        if (buffer != null) {
            pool.release(buffer);
            buffer = null;
            count = 0;
        }
    }
}
