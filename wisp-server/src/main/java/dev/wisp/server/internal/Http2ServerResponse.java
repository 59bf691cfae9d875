package dev.wisp.server.internal;

import dev.wisp.core.Body;
import dev.wisp.core.BufferPool;
import dev.wisp.core.HeaderNames;
import dev.wisp.core.Headers;
import dev.wisp.core.Method;
import dev.wisp.core.Status;
import dev.wisp.http2.Http2Output;
import dev.wisp.http2.ResponseFields;
import dev.wisp.http2.TrailerFields;
import dev.wisp.server.ServerResponse;
import dev.wisp.transport.Transport;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/**
 * The {@link ServerResponse} of one HTTP/2 stream. The head goes out as a HEADERS frame, the body as DATA frames
 * under flow control, trailers as a last HEADERS frame (RFC 9113 §8.1). A body of known length carries
 * Content-Length, and must be exactly that long; fields that belong to a connection rather than a message
 * (Connection, Keep-Alive, Transfer-Encoding, Upgrade) are not sent, since HTTP/2 forbids them (§8.2.2). A small
 * body goes out with its head in one write.
 *
 * <p>Used by the exchange's thread only. Calls: status and headers, then one of {@code send} or
 * {@code outputStream}; then the exchange calls {@link #finish()}.
 */
final class Http2ServerResponse extends ExchangeResponse {
    private static final byte[] NO_BYTES = new byte[0];

    private final Http2Output output;
    private final Http2ServerStream stream;
    private final BufferPool buffers;
    /**
     * Where small writes gather into one DATA frame: none until the first write, then one of exactly the declared
     * length for a body shorter than a pooled buffer (13 bytes for a 13-byte answer, where a pooled buffer of 8 KiB
     * each for hundreds of streams at once mostly had to be allocated, zeroed and collected), else a pooled one.
     */
    private byte[] buffer;
    /** The Content-Length the head declared, or -1. */
    private long contentLength = -1;
    private long contentBytes;
    private int buffered;

    /** @param buffers where a buffer for the body's writes comes from; its buffers are as long as a frame may be */
    Http2ServerResponse(Http2Output output, Transport transport, Http2ServerStream stream, Method requestMethod,
            BufferPool buffers, ServerCounters counters) {
        super(transport, requestMethod, counters);
        this.output = output;
        this.stream = stream;
        this.buffers = buffers;
    }

    @Override
    public void send(Body body) throws IOException {
        long length = declareLength(body);
        if (!hasContent() || length == 0) {
            commit(true);
            return;
        }
        commit(false);
        body.writeTo(new BodyStream());
        addTrailers(body.trailers());
        endBody();
    }

    @Override
    public OutputStream outputStream() throws IOException {
        requireOpen();
        commit(false);
        return new BodyStream();
    }

    /**
     * Writes the head. A response without content ends the stream with it; else the head waits in the output
     * buffer for the first DATA, so a small response leaves in one write.
     */
    private void commit(boolean complete) throws IOException {
        state = State.STREAMING;
        contentLength = declaredLength();
        if (!status.allowsContent()) {
            headers.remove(HeaderNames.CONTENT_LENGTH);
        }
        stampHead();
        boolean endStream = complete || !hasContent();
        boolean withTrailers = endStream && trailers != null && hasContent();
        try {
            output.writeHeaders(stream, ResponseFields.encode(status, headers.build()), endStream && !withTrailers,
                    endStream && !withTrailers);
        } catch (IOException e) {
            if (stream.isReset()) {
                uncount(); // a reset stream takes no head: none of it went out
            }
            throw e;
        }
        if (endStream) {
            state = State.DONE;
            if (withTrailers) {
                output.writeHeaders(stream, TrailerFields.encode(trailers.build()), true, true);
            }
        }
    }

    private void write(byte[] bytes, int offset, int length) throws IOException {
        if (!hasContent()) {
            return; // HEAD, 204, 304: the content is dropped, as HTTP/1.1 drops it
        }
        // The handler's own mistakes, as HTTP/1.1's body stream tells them: not the connection's failures.
        if (state != State.STREAMING) {
            throw new IllegalStateException("body stream is closed");
        }
        if (contentLength >= 0 && contentBytes + length > contentLength) {
            throw new IllegalStateException("body exceeds its Content-Length of " + contentLength + " bytes");
        }
        contentBytes += length;
        byte[] buffer = gatherBuffer();
        if (length <= buffer.length - buffered) {
            System.arraycopy(bytes, offset, buffer, buffered, length);
            buffered += length;
            return;
        }
        flushBuffer(false);
        if (length < buffer.length) {
            System.arraycopy(bytes, offset, buffer, 0, length);
            buffered = length;
        } else {
            output.writeData(stream, bytes, offset, length, false);
        }
    }

    private byte[] gatherBuffer() {
        if (buffer == null) {
            if (contentLength >= 0 && contentLength < buffers.bufferSize()) {
                buffer = new byte[(int) contentLength]; // the writes past it fail above
            } else {
                buffer = buffers.acquire();
            }
        }
        return buffer;
    }

    private void flushBuffer(boolean endStream) throws IOException {
        if (buffered > 0 || endStream) {
            int count = buffered;
            buffered = 0;
            output.writeData(stream, buffer == null ? NO_BYTES : buffer, 0, count, endStream);
        }
    }

    /**
     * Gives a pooled buffer back, once the exchange is done with this response: one of the pool's size, since a buffer
     * of a declared length is always shorter.
     */
    void releaseBuffer() {
        if (buffer != null && buffer.length == buffers.bufferSize()) {
            buffers.release(buffer);
        }
        buffer = null;
    }

    /** Ends the body: what is buffered goes out, then the trailers if there are any. */
    void endBody() throws IOException {
        if (state != State.STREAMING) {
            return;
        }
        state = State.DONE;
        if (hasContent() && contentLength >= 0 && contentBytes != contentLength) {
            throw new IOException("response body of " + contentBytes + " bytes ended short of its Content-Length of "
                    + contentLength);
        }
        boolean withTrailers = trailers != null && hasContent();
        flushBuffer(!withTrailers);
        if (withTrailers) {
            output.writeHeaders(stream, TrailerFields.encode(trailers.build()), true, true);
        }
    }

    /**
     * Answers an extended CONNECT that opened a tunnel, a WebSocket (RFC 8441 §5): 200 with these fields and
     * without content fields, and the stream stays open for the tunnel's DATA, which this response no longer writes.
     */
    void acceptTunnel(Headers tunnel) throws IOException {
        requireOpen();
        state = State.DONE;
        status = Status.OK;
        for (String name : new String[] {HeaderNames.CONTENT_LENGTH, HeaderNames.CONTENT_TYPE,
                HeaderNames.CONTENT_ENCODING}) {
            headers.remove(name);
        }
        headers.setAll(tunnel);
        stampHead();
        output.writeHeaders(stream, ResponseFields.encode(status, headers.build()), false, true);
    }

    /** Sends whatever the handler left unsent and ends the stream. Called by the exchange. */
    @Override
    void finish() throws IOException {
        if (state == State.OPEN) {
            send();
        }
        endBody();
    }

    /**
     * What went out in DATA frames: not what waits in the gathering buffer, nor, once a reset cut the stream, the rest
     * of a write it ended (the access log gave the whole length a handler wrote before 2026-12-06).
     */
    @Override
    public long contentBytesSent() {
        return stream.dataSent();
    }

    /** The handler's view of the body: writes gather into DATA frames; flush sends them; close ends the body. */
    private final class BodyStream extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            Http2ServerResponse.this.write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            Objects.checkFromIndexSize(offset, length, bytes.length);
            Http2ServerResponse.this.write(bytes, offset, length);
        }

        @Override
        public void flush() throws IOException {
            if (state == State.STREAMING) {
                if (buffered > 0) {
                    flushBuffer(false);
                } else {
                    output.flush(); // the head alone, held for the first DATA until now
                }
            }
        }

        @Override
        public void close() throws IOException {
            endBody();
        }
    }
}
