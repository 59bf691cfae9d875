package dev.wisp.http1;

import dev.wisp.core.Headers;
import dev.wisp.core.ProhibitedTrailerFields;
import dev.wisp.core.WireOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/**
 * Writes a chunked body (RFC 9112 §7.1). Writes smaller than the coalescing size are gathered into one chunk, so
 * a caller writing a byte at a time does not pay six bytes of framing per byte; a larger write becomes a chunk of
 * its own. {@link #flush()} ends the gathered chunk and flushes the {@link WireOutput}; {@link #finish(Headers)}
 * writes the last chunk with the trailer fields.
 *
 * <p>Not thread-safe. Closing finishes the body without trailers; it does not flush the {@link WireOutput}.
 */
public final class ChunkedBodyOutputStream extends OutputStream {
    /** Gathered writes up to this size; the array is allocated on the first small write only. */
    public static final int DEFAULT_COALESCE_BYTES = 2048;

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST_CHUNK = {'0', '\r', '\n'};

    private final WireOutput out;
    private final int coalesceBytes;
    private byte[] pending;
    private int pendingCount;
    private boolean finished;

    public ChunkedBodyOutputStream(WireOutput out) {
        this(out, DEFAULT_COALESCE_BYTES);
    }

    /**
     * @param coalesceBytes writes smaller than this are gathered into chunks of up to this size; 0 makes every
     *     write a chunk of its own
     */
    public ChunkedBodyOutputStream(WireOutput out, int coalesceBytes) {
        if (coalesceBytes < 0) {
            throw new IllegalArgumentException("coalesceBytes must not be negative: " + coalesceBytes);
        }
        this.out = out;
        this.coalesceBytes = coalesceBytes;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        // Checked before anything is written: a bad length must not leave half a chunk behind.
        Objects.checkFromIndexSize(offset, length, bytes.length);
        if (finished) {
            throw new IllegalStateException("chunked body is finished");
        }
        if (length == 0) {
            return;
        }
        if (length < coalesceBytes) {
            if (pending == null) {
                pending = new byte[coalesceBytes];
            } else if (length > coalesceBytes - pendingCount) {
                writePending();
            }
            System.arraycopy(bytes, offset, pending, pendingCount, length);
            pendingCount += length;
            return;
        }
        writePending();
        writeChunk(bytes, offset, length);
    }

    private void writePending() throws IOException {
        if (pendingCount > 0) {
            writeChunk(pending, 0, pendingCount);
            pendingCount = 0;
        }
    }

    private void writeChunk(byte[] bytes, int offset, int length) throws IOException {
        out.writeHex(length);
        out.write(CRLF);
        out.write(bytes, offset, length);
        out.write(CRLF);
    }

    /**
     * Ends the gathered chunk and flushes the {@link WireOutput}, so the peer sees everything written so far. The
     * gathering array is let go: a body that flushes and then waits (an event stream between events) holds none.
     */
    @Override
    public void flush() throws IOException {
        if (!finished) {
            writePending();
        }
        pending = null;
        out.flush();
    }

    /**
     * Writes what is gathered, then the last chunk and the trailer section, without the fields that have no place in
     * it ({@link ProhibitedTrailerFields}, RFC 9110 §6.5.1). Further writes are refused.
     */
    public void finish(Headers trailers) throws IOException {
        if (finished) {
            return;
        }
        writePending();
        finished = true;
        out.write(LAST_CHUNK);
        Http1HeadWriter.writeFields(out, ProhibitedTrailerFields.removeFrom(trailers));
        out.write(CRLF);
    }

    @Override
    public void close() throws IOException {
        finish(Headers.empty());
    }
}
