package dev.wisp.http1;

import dev.wisp.core.Headers;
import dev.wisp.core.WireOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/**
 * Writes a chunked body (RFC 9112 §7.1): each write becomes one chunk, and {@link #finish(Headers)} writes the
 * last chunk with the trailer fields. Callers that write in small pieces should buffer above this stream.
 *
 * <p>Not thread-safe. Closing finishes the body without trailers; it does not flush the {@link WireOutput}.
 */
public final class ChunkedBodyOutputStream extends OutputStream {
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST_CHUNK = {'0', '\r', '\n'};

    private final WireOutput out;
    private boolean finished;

    public ChunkedBodyOutputStream(WireOutput out) {
        this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        // Checked before the chunk-size line is written: a bad length must not leave half a chunk behind.
        Objects.checkFromIndexSize(offset, length, bytes.length);
        if (finished) {
            throw new IllegalStateException("chunked body is finished");
        }
        if (length == 0) {
            return;
        }
        out.writeHex(length);
        out.write(CRLF);
        out.write(bytes, offset, length);
        out.write(CRLF);
    }

    /** Writes the last chunk and the trailer section. Further writes are refused. */
    public void finish(Headers trailers) throws IOException {
        if (finished) {
            return;
        }
        finished = true;
        out.write(LAST_CHUNK);
        Http1HeadWriter.writeFields(out, trailers);
        out.write(CRLF);
    }

    @Override
    public void close() throws IOException {
        finish(Headers.empty());
    }
}
