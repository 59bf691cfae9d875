package dev.wisp.http1;

import dev.wisp.core.WireOutput;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes a body of exactly the length announced in Content-Length. Writing more is refused; closing after
 * writing less is an {@link IOException}, because the connection can then only be closed (the peer would wait
 * for the missing bytes).
 *
 * <p>Not thread-safe. Closing does not close or flush the {@link WireOutput}.
 */
public final class FixedLengthBodyOutputStream extends OutputStream {
    private final WireOutput out;
    private final long length;
    private long remaining;
    private boolean closed;

    /**
     * @throws IllegalArgumentException if length is negative
     */
    public FixedLengthBodyOutputStream(WireOutput out, long length) {
        if (length < 0) {
            throw new IllegalArgumentException("length must not be negative: " + length);
        }
        this.out = out;
        this.length = length;
        this.remaining = length;
    }

    @Override
    public void write(int b) throws IOException {
        ensureRoom(1);
        out.write(b);
        remaining--;
    }

    @Override
    public void write(byte[] bytes, int offset, int count) throws IOException {
        ensureRoom(count);
        out.write(bytes, offset, count);
        remaining -= count;
    }

    private void ensureRoom(int count) {
        if (closed) {
            throw new IllegalStateException("body stream is closed");
        }
        if (count > remaining) {
            throw new IllegalStateException("body exceeds its Content-Length of " + length + " bytes");
        }
    }

    /** Bytes still owed to reach the announced length. */
    public long remaining() {
        return remaining;
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (remaining > 0) {
            throw new IOException("body ended " + remaining + " bytes short of its Content-Length of " + length);
        }
    }
}
