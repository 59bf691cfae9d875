package dev.wisp.http1;

import dev.wisp.core.Ascii;
import dev.wisp.core.BodyInputStream;
import dev.wisp.core.Headers;
import dev.wisp.core.MalformedMessageException;
import dev.wisp.core.MessageTooLargeException;
import dev.wisp.core.ProhibitedTrailerFields;
import dev.wisp.core.Status;
import dev.wisp.core.WireInput;
import java.io.EOFException;
import java.io.IOException;

/**
 * A chunked body (RFC 9112 §7.1), decoded: chunk sizes, extensions and the final CRLFs are checked and removed,
 * and the trailer section is parsed into {@link #trailers()} when the last chunk has been read, without the fields
 * that have no place in it ({@link ProhibitedTrailerFields}).
 *
 * <pre>
 * chunked-body   = *chunk last-chunk trailer-section CRLF
 * chunk          = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
 * last-chunk     = 1*("0") [ chunk-ext ] CRLF
 * </pre>
 *
 * <p>Not thread-safe.
 */
public final class ChunkedBodyInputStream extends BodyInputStream {
    /** Where the reader is in the chunked grammar. */
    private enum State {
        /** Expecting a chunk-size line. */
        SIZE,
        /** Inside chunk-data; {@code remaining} bytes are left. */
        DATA,
        /** After chunk-data, expecting its CRLF. */
        DATA_END,
        /** The last chunk and trailers have been read. */
        DONE
    }

    private final WireInput in;
    private final Http1Limits limits;
    private final long maxBodyBytes;
    private final String limitName;
    private final Http1MessageType type;
    private State state = State.SIZE;
    private long remaining;
    private long total;
    private Headers trailers = Headers.empty();

    /**
     * A request body: crossing maxBodyBytes is a 413 naming {@code maxRequestBodyBytes}, the server's option.
     *
     * @param maxBodyBytes the most decoded bytes allowed
     */
    public ChunkedBodyInputStream(WireInput in, Http1Limits limits, long maxBodyBytes) {
        this(in, limits, maxBodyBytes, "maxRequestBodyBytes");
    }

    /**
     * @param maxBodyBytes the most decoded bytes allowed; crossing it is a 413 {@link MessageTooLargeException}
     * @param limitName the configuration option that sets maxBodyBytes, named in the exception
     */
    public ChunkedBodyInputStream(WireInput in, Http1Limits limits, long maxBodyBytes, String limitName) {
        this(in, limits, maxBodyBytes, limitName, Http1MessageType.REQUEST);
    }

    private ChunkedBodyInputStream(WireInput in, Http1Limits limits, long maxBodyBytes, String limitName,
            Http1MessageType type) {
        this.in = in;
        this.limits = limits;
        this.maxBodyBytes = maxBodyBytes;
        this.limitName = limitName;
        this.type = type;
    }

    /**
     * A response body, read by a client: no limit on its size (the client streams it), and a trailer section
     * over its limits is a 502 {@link MessageTooLargeException}, as every too-large part of a response is.
     */
    public static ChunkedBodyInputStream ofResponse(WireInput in, Http1Limits limits) {
        return new ChunkedBodyInputStream(in, limits, Long.MAX_VALUE, "maxResponseBodyBytes",
                Http1MessageType.RESPONSE);
    }

    @Override
    public int read() throws IOException {
        if (!advanceToData()) {
            return -1;
        }
        int b = in.readByte();
        if (b < 0) {
            throw new EOFException("stream ended inside a chunk");
        }
        consumed(1);
        return b;
    }

    @Override
    public int read(byte[] bytes, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (!advanceToData()) {
            return -1;
        }
        int n = in.read(bytes, offset, (int) Math.min(length, remaining), remaining);
        if (n < 0) {
            throw new EOFException("stream ended inside a chunk");
        }
        consumed(n);
        return n;
    }

    private void consumed(int n) {
        remaining -= n;
        if (remaining == 0) {
            state = State.DATA_END;
        }
    }

    /** Reads framing until chunk data is available or the body ends; returns false at the end. */
    private boolean advanceToData() throws IOException {
        while (true) {
            switch (state) {
                case SIZE -> readSizeLine();
                case DATA -> {
                    return true;
                }
                case DATA_END -> readDataEnd();
                case DONE -> {
                    return false;
                }
            }
        }
    }

    private void readSizeLine() throws IOException {
        // A request's is a 400, as before: the limit is on the framing, not on what the body may hold.
        int lf = LineScanner.scanLine(in, limits.maxChunkLineBytes(), () -> new MessageTooLargeException(
                type.tooLargeStatus(Status.BAD_REQUEST), "chunk-size line", limits.maxChunkLineBytes(),
                "maxChunkLineBytes"));
        byte[] buffer = in.buffer();
        int start = in.position();
        int end = LineScanner.contentEnd(in, lf);
        int i = start;
        long size = 0;
        while (i < end && Character.digit(buffer[i], 16) >= 0) {
            if (size > (Long.MAX_VALUE >> 4)) {
                throw new MalformedMessageException("chunk size '" + Ascii.escape(buffer, start, end - start)
                        + "' is too large");
            }
            size = (size << 4) | Character.digit(buffer[i], 16);
            i++;
        }
        if (i == start) {
            throw new MalformedMessageException("chunk size '" + Ascii.escape(buffer, start, end - start)
                    + "' is not hexadecimal");
        }
        ChunkExtensions.check(buffer, i, end, start);
        in.skip(lf + 1 - start);
        if (size == 0) {
            // RFC 9110 §6.5.2: a field that has no place in trailers is not merged nor shown; the rest is kept.
            trailers = ProhibitedTrailerFields.removeFrom(
                    new FieldSectionReader(limits, type, "trailer section").read(in));
            state = State.DONE;
            return;
        }
        if (size > maxBodyBytes - total) {
            throw new MessageTooLargeException(type.tooLargeStatus(Status.CONTENT_TOO_LARGE), "chunked body",
                    maxBodyBytes,
                    limitName);
        }
        total += size;
        remaining = size;
        state = State.DATA;
    }

    private void readDataEnd() throws IOException {
        int first = in.readByte();
        int second = first == '\r' ? in.readByte() : first;
        if (second != '\n') {
            if (first < 0 || second < 0) {
                throw new EOFException("stream ended after chunk data");
            }
            throw new MalformedMessageException("chunk data is not followed by CRLF");
        }
        state = State.SIZE;
    }

    /**
     * Whether the rest of the body is in the buffer already: what is left of this chunk, each chunk after it, the
     * last chunk and the trailer section, as far as their framing can be told without reading (a malformed rest that
     * is complete counts, and fails when read). False when some bytes are held outside the buffer (read ahead).
     */
    @Override
    public boolean isRestBuffered() {
        int limit = in.limit();
        if (state == State.DONE) {
            return true;
        }
        if (limit - in.position() != in.buffered()) {
            return false;
        }
        byte[] buffer = in.buffer();
        int i = in.position();
        State at = state;
        long left = remaining;
        while (true) {
            switch (at) {
                case DATA -> {
                    if (limit - i < left) {
                        return false;
                    }
                    i += (int) left;
                    at = State.DATA_END;
                }
                case DATA_END -> {
                    if (i < limit && buffer[i] == '\r') {
                        i++;
                    }
                    if (i >= limit || buffer[i] != '\n') {
                        return false;
                    }
                    i++;
                    at = State.SIZE;
                }
                case SIZE -> {
                    int lf = lineFeed(buffer, i, limit);
                    if (lf < 0 || Character.digit(buffer[i], 16) < 0) {
                        return false;
                    }
                    long size = 0;
                    for (int j = i; j < lf && Character.digit(buffer[j], 16) >= 0; j++) {
                        if (size > (Long.MAX_VALUE >> 4)) {
                            return false;
                        }
                        size = size << 4 | Character.digit(buffer[j], 16);
                    }
                    i = lf + 1;
                    if (size == 0) {
                        return isFieldSectionBuffered(buffer, i, limit);
                    }
                    left = size;
                    at = State.DATA;
                }
                case DONE -> {
                    return true;
                }
            }
        }
    }

    /** Whether field lines and the blank line that ends them lie wholly between {@code i} and {@code limit}. */
    private static boolean isFieldSectionBuffered(byte[] buffer, int i, int limit) {
        while (true) {
            int lf = lineFeed(buffer, i, limit);
            if (lf < 0) {
                return false;
            }
            if (lf == i || lf == i + 1 && buffer[i] == '\r') {
                return true;
            }
            i = lf + 1;
        }
    }

    private static int lineFeed(byte[] buffer, int from, int limit) {
        for (int i = from; i < limit; i++) {
            if (buffer[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    @Override
    public int available() {
        return state == State.DATA ? (int) Math.min(in.buffered(), remaining) : 0;
    }

    @Override
    public long length() {
        return -1;
    }

    @Override
    public Headers trailers() {
        return trailers;
    }

    @Override
    public boolean isFinished() {
        return state == State.DONE;
    }
}
