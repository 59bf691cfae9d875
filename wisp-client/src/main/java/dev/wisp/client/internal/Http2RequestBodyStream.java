package dev.wisp.client.internal;

import dev.wisp.core.Headers;
import dev.wisp.http2.Http2Output;
import dev.wisp.http2.TrailerFields;
import java.io.IOException;
import java.io.OutputStream;

/**
 * A request body going out as DATA frames on an HTTP/2 stream: gathered into frames of up to {@code bufferBytes}
 * (the output splits them further to the server's frame size and waits for its flow-control windows); closing it
 * sends the rest with END_STREAM. A body of a declared length must match it, or it fails before anything wrong
 * goes out (the server would find the stream malformed, RFC 9113 §8.1.1). A write to a stream the server reset, or
 * whose connection ended, fails; the {@link ExchangeBodyWriter} above then looks for the response that came before.
 *
 * <p>Not thread-safe: the call's thread writes it.
 */
final class Http2RequestBodyStream extends OutputStream {
    private final Http2Output output;
    private final Http2ClientStream stream;
    private final long length;
    private final byte[] buffer;
    private int count;
    private long written;
    private boolean closed;

    /** @param length the declared length, or -1 for none */
    Http2RequestBodyStream(Http2Output output, Http2ClientStream stream, long length, int bufferBytes) {
        this.output = output;
        this.stream = stream;
        this.length = length;
        this.buffer = new byte[length >= 0 ? (int) Math.min(bufferBytes, Math.max(length, 1)) : bufferBytes];
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        if (closed) {
            throw new IOException("request body is finished");
        }
        if (this.length >= 0 && written + length > this.length) {
            throw new IOException("request body runs past its Content-Length of " + this.length + " bytes");
        }
        written += length;
        while (length > 0) {
            int n = Math.min(length, buffer.length - count);
            System.arraycopy(bytes, offset, buffer, count, n);
            count += n;
            offset += n;
            length -= n;
            if (count == buffer.length) {
                send(false);
            }
        }
    }

    @Override
    public void flush() throws IOException {
        if (count > 0 && !closed) {
            send(false);
        }
    }

    /** Sends the rest with END_STREAM. */
    @Override
    public void close() throws IOException {
        finish(Headers.empty());
    }

    /** Sends the rest, then the trailer fields with END_STREAM (or, without any, the rest with END_STREAM). */
    void finish(Headers trailers) throws IOException {
        if (closed) {
            return;
        }
        if (length >= 0 && written < length) {
            throw new IOException("body ended " + (length - written) + " bytes short of its Content-Length of "
                    + length);
        }
        closed = true;
        if (trailers.isEmpty()) {
            send(true);
            return;
        }
        if (count > 0) {
            send(false);
        }
        output.writeHeaders(stream, TrailerFields.encode(trailers), true, true);
    }

    private void send(boolean endStream) throws IOException {
        output.writeData(stream, buffer, 0, count, endStream);
        count = 0;
    }
}
