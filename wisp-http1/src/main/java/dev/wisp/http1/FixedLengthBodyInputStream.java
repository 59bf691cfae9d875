package dev.wisp.http1;

import dev.wisp.core.BodyInputStream;
import dev.wisp.core.Headers;
import dev.wisp.core.WireInput;
import java.io.EOFException;
import java.io.IOException;

/**
 * A body of exactly {@code length} bytes (Content-Length). Ending the stream early is an {@link EOFException};
 * bytes after the body are left in the {@link WireInput} for the next message.
 *
 * <p>Not thread-safe.
 */
public final class FixedLengthBodyInputStream extends BodyInputStream {
    private final WireInput in;
    private final long length;
    private long remaining;

    public FixedLengthBodyInputStream(WireInput in, long length) {
        if (length < 0) {
            throw new IllegalArgumentException("length must not be negative: " + length);
        }
        this.in = in;
        this.length = length;
        this.remaining = length;
    }

    @Override
    public int read() throws IOException {
        if (remaining == 0) {
            return -1;
        }
        int b = in.readByte();
        if (b < 0) {
            throw truncated();
        }
        remaining--;
        return b;
    }

    @Override
    public int read(byte[] bytes, int offset, int count) throws IOException {
        if (remaining == 0) {
            return count == 0 ? 0 : -1;
        }
        int n = in.read(bytes, offset, (int) Math.min(count, remaining), remaining);
        if (n < 0) {
            throw truncated();
        }
        remaining -= n;
        return n;
    }

    @Override
    public boolean isRestBuffered() {
        return in.buffered() >= remaining;
    }

    private EOFException truncated() {
        return new EOFException("stream ended " + remaining + " bytes before the end of a " + length + "-byte body");
    }

    @Override
    public int available() {
        return (int) Math.min(in.buffered(), remaining);
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    public Headers trailers() {
        return Headers.empty();
    }

    @Override
    public boolean isFinished() {
        return remaining == 0;
    }
}
