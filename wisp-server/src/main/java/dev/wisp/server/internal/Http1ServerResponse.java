package dev.wisp.server.internal;

import dev.wisp.core.Body;
import dev.wisp.core.BodyInputStream;
import dev.wisp.core.HeaderField;
import dev.wisp.core.HeaderNames;
import dev.wisp.core.Headers;
import dev.wisp.core.Method;
import dev.wisp.core.ResponseHead;
import dev.wisp.core.Status;
import dev.wisp.core.Version;
import dev.wisp.core.WireInput;
import dev.wisp.core.WireOutput;
import dev.wisp.http1.ChunkedBodyOutputStream;
import dev.wisp.http1.FixedLengthBodyOutputStream;
import dev.wisp.http1.Http1HeadWriter;
import dev.wisp.server.ServerResponse;
import dev.wisp.transport.Transport;
import java.io.IOException;
import java.io.OutputStream;
import java.util.function.BooleanSupplier;

/**
 * The {@link ServerResponse} of one HTTP/1.1 exchange. It owns the framing headers: Content-Length for bodies of
 * known length, chunked for streamed ones (or close-delimited for an HTTP/1.0 peer), Date, and Connection; a
 * response to HEAD has the framing header its GET would have. The head and a small body go out in one write when the
 * exchange flushes.
 *
 * A handler that sets {@code Connection: close} closes the connection after the response.
 *
 * <p>Used by one thread at a time: the exchange's, or another the handler hands its body stream to in turn (an event
 * stream's publishers, under its lock). Calls: status and headers, then one of {@code send} or
 * {@code outputStream}; then the exchange calls {@link #finish()}.
 */
final class Http1ServerResponse extends ExchangeResponse {
    // Fields of the server's own, checked once here rather than on every response.
    private static final HeaderField CHUNKED = new HeaderField(HeaderNames.TRANSFER_ENCODING, "chunked");
    private static final HeaderField CLOSE = new HeaderField(HeaderNames.CONNECTION, "close");
    private static final HeaderField KEEP_ALIVE = new HeaderField(HeaderNames.CONNECTION, "keep-alive");
    private static final HeaderField UPGRADE = new HeaderField(HeaderNames.CONNECTION, "upgrade");
    private static final HeaderField UPGRADE_CLOSE = new HeaderField(HeaderNames.CONNECTION, "upgrade, close");
    private static final HeaderField UPGRADE_KEEP_ALIVE =
            new HeaderField(HeaderNames.CONNECTION, "upgrade, keep-alive");

    private final WireOutput out;
    private final Version requestVersion;
    private OutputStream bodyStream;
    private final BooleanSupplier mayKeepAlive;
    /** The connection's input and the request's body, for {@link #releaseReadBufferWhileStreaming()}; null for none. */
    private final WireInput input;
    private final BodyInputStream requestBody;
    /** Whether the request asked to keep the connection: the answer to it again once a response is taken back. */
    private final boolean keepAliveAsked;
    private boolean keepAlive;
    private long contentBytes;
    /** The connection's bytes written when the head was committed: more since, and some of it left. */
    private long writtenAtCommit;

    /**
     * @param keepAlive whether the request asked to keep the connection
     * @param mayKeepAlive asked when the head is written, whether the exchange can still keep the connection; so
     *     a handler that commits early still gets a Connection header that tells what will happen
     * @param input the connection's input, whose buffer a streamed body that flushes lets go of once the request body
     *     is read whole; null to keep it
     * @param requestBody the request's body; null with no input
     */
    Http1ServerResponse(WireOutput out, Transport transport, Method requestMethod, Version requestVersion,
            boolean keepAlive, BooleanSupplier mayKeepAlive, WireInput input, BodyInputStream requestBody,
            ServerCounters counters) {
        super(transport, requestMethod, counters);
        this.out = out;
        this.requestVersion = requestVersion;
        this.keepAliveAsked = keepAlive;
        this.keepAlive = keepAlive;
        this.mayKeepAlive = mayKeepAlive;
        this.input = input;
        this.requestBody = requestBody;
    }

    @Override
    public long contentBytesSent() {
        return contentBytes;
    }

    @Override
    public void send(Body body) throws IOException {
        long length = declareLength(body);
        commit(length);
        if (hasContent()) {
            body.writeTo(new ResponseBodyStream(this));
            addTrailers(body.trailers());
        }
        endBody();
    }

    @Override
    public OutputStream outputStream() throws IOException {
        requireOpen();
        commit(declaredLength());
        return new ResponseBodyStream(this);
    }

    /** Chooses the framing for a body of this length (-1 if unknown) and writes the head. */
    private void commit(long length) throws IOException {
        state = State.STREAMING;
        writtenAtCommit = transport().bytesWritten();
        headers.remove(HeaderNames.TRANSFER_ENCODING);
        if (headers.contains(HeaderNames.CONNECTION)
                && headers.build().containsToken(HeaderNames.CONNECTION, "close")) {
            keepAlive = false; // a handler, or the server's own error answer, asked to close
        }
        headers.remove(HeaderNames.CONNECTION);
        if (!hasContent()) {
            if (!status.allowsContent()) {
                headers.remove(HeaderNames.CONTENT_LENGTH);
            } else if (length < 0 && requestVersion == Version.HTTP_1_1) {
                // RFC 9110 §9.3.2: HEAD gets the fields its GET would, as it gets the GET's Content-Length; RFC 9112
                // §6.1 lets Transfer-Encoding say that the GET's body would be chunked.
                headers.add(CHUNKED);
            }
            bodyStream = OutputStream.nullOutputStream();
        } else if (length >= 0) {
            bodyStream = new FixedLengthBodyOutputStream(out, length);
        } else if (requestVersion == Version.HTTP_1_1) {
            headers.add(CHUNKED);
            bodyStream = new ChunkedBodyOutputStream(out);
        } else {
            // An HTTP/1.0 peer knows no chunked coding: the end of the connection ends the body.
            keepAlive = false;
            bodyStream = new UnframedOutputStream(out);
        }
        writeHead();
    }

    private void writeHead() throws IOException {
        if (keepAlive && !mayKeepAlive.getAsBoolean()) {
            keepAlive = false;
        }
        stampHead();
        HeaderField connection = connectionField();
        if (connection != null) {
            headers.set(connection);
        }
        Http1HeadWriter.writeResponseHead(out, new ResponseHead(Version.HTTP_1_1, status, headers.build()));
    }

    /** The Connection field the head needs, or null if none. */
    private HeaderField connectionField() {
        // RFC 9110 §7.8: a sender of Upgrade (a 426 naming the protocol to switch to) lists it in Connection.
        boolean upgrade = headers.contains(HeaderNames.UPGRADE);
        if (!keepAlive) {
            return upgrade ? UPGRADE_CLOSE : CLOSE;
        }
        if (requestVersion == Version.HTTP_1_0) {
            return upgrade ? UPGRADE_KEEP_ALIVE : KEEP_ALIVE;
        }
        return upgrade ? UPGRADE : null;
    }

    /**
     * Answers 101 (Switching Protocols) with these headers after any a filter set, and flushes: the exchange
     * ends here and the connection belongs to the protocol switched to. Content, framing and keep-alive headers
     * do not belong on a 101 and are dropped. Filters around the exchange then see the status and the head.
     *
     * @throws IllegalStateException if the response is committed
     */
    void switchProtocols(Headers switching) throws IOException {
        requireOpen();
        state = State.DONE;
        status = Status.SWITCHING_PROTOCOLS;
        keepAlive = false;
        for (String name : new String[] {HeaderNames.CONTENT_LENGTH, HeaderNames.CONTENT_TYPE,
                HeaderNames.CONTENT_ENCODING, HeaderNames.TRANSFER_ENCODING, HeaderNames.CONNECTION}) {
            headers.remove(name);
        }
        headers.setAll(switching);
        countHead();
        Http1HeadWriter.writeResponseHead(out, new ResponseHead(Version.HTTP_1_1, status, headers.build()));
        out.flush();
    }

    /** Whether the response is committed and all of it still sits in the connection's output buffer. */
    boolean isCommittedUnsent() {
        return state != State.OPEN && transport().bytesWritten() == writtenAtCommit;
    }

    /**
     * An interim answer went out ahead of the committed response, which is still all in the buffer
     * ({@link #isCommittedUnsent}): it still is.
     */
    void interimWrittenAhead() {
        writtenAtCommit = transport().bytesWritten();
    }

    /**
     * Takes the response back if none of it left the connection's output buffer: the buffer holds this response only
     * (the one before was flushed as it finished, an interim 100 as it was written), and is dropped.
     */
    @Override
    public boolean reset() {
        if (state == State.OPEN) {
            return true;
        }
        if (status == Status.SWITCHING_PROTOCOLS || !isCommittedUnsent()) {
            return false;
        }
        out.release();
        uncount();
        headers.remove(HeaderNames.DATE); // the commit's: the fields are the handler's again
        state = State.OPEN;
        bodyStream = null;
        contentBytes = 0;
        trailers = null;
        keepAlive = keepAliveAsked; // the head's Connection field, if the server set one, says it again on commit
        return true;
    }

    /** Called when the handler closes the body stream: ends the body, with trailers if it is chunked. */
    void endBody() throws IOException {
        if (state != State.STREAMING) {
            return;
        }
        state = State.DONE;
        if (bodyStream instanceof ChunkedBodyOutputStream chunked) {
            chunked.finish(trailers == null ? Headers.empty() : trailers.build());
        } else {
            bodyStream.close();
        }
    }

    /** Sends whatever the handler left unsent, ends the body and flushes. Called by the exchange. */
    @Override
    void finish() throws IOException {
        if (state == State.OPEN) {
            send();
        }
        endBody();
        out.flush();
    }

    boolean isKeepAlive() {
        return keepAlive;
    }

    private void countContent(long bytes) {
        if (hasContent()) {
            contentBytes += bytes;
        }
    }

    /**
     * After the handler flushed a streamed body: once the request body is read whole and nothing more is buffered, no
     * one reads the connection until the exchange ends, so its read buffer goes back to the pool (a long-lived stream,
     * an event stream say, would hold one for its whole life otherwise). Only then, since another thread may be the
     * one flushing.
     */
    private void releaseReadBufferWhileStreaming() {
        if (input != null && requestBody.isFinished()) {
            input.releaseIfEmpty();
        }
    }

    /** The handler's view of the body stream: writes go to the framing stream; close ends the body. */
    private static final class ResponseBodyStream extends OutputStream {
        private final Http1ServerResponse response;
        /** The framing stream of the response this was made for: another once the response was taken back. */
        private final OutputStream framing;

        ResponseBodyStream(Http1ServerResponse response) {
            this.response = response;
            this.framing = response.bodyStream;
        }

        @Override
        public void write(int b) throws IOException {
            framing().write(b);
            response.countContent(1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            framing().write(bytes, offset, length);
            response.countContent(length);
        }

        @Override
        public void flush() throws IOException {
            framing().flush();
            response.out.flush();
            response.releaseReadBufferWhileStreaming();
        }

        @Override
        public void close() throws IOException {
            if (response.bodyStream == framing) {
                response.endBody();
            }
        }

        private OutputStream framing() {
            if (response.bodyStream != framing) {
                throw new IllegalStateException("the response was taken back (reset) and this stream with it");
            }
            return framing;
        }
    }

    /** Bytes as they are, for a close-delimited HTTP/1.0 body. */
    private static final class UnframedOutputStream extends OutputStream {
        private final WireOutput out;

        UnframedOutputStream(WireOutput out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            out.write(bytes, offset, length);
        }
    }
}
