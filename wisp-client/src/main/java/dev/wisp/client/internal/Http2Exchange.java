package dev.wisp.client.internal;

import dev.wisp.client.ConnectionClosedException;
import dev.wisp.client.HttpCallException;
import dev.wisp.client.TimeoutExceededException;
import dev.wisp.client.TimeoutExceededException.Timeout;
import dev.wisp.client.internal.Failures.Phase;
import dev.wisp.core.BodyInputStream;
import dev.wisp.core.Headers;
import dev.wisp.core.RequestHead;
import dev.wisp.core.ResponseHead;
import dev.wisp.core.Version;
import dev.wisp.http2.ErrorCode;
import dev.wisp.http2.RequestFields;
import dev.wisp.http2.hpack.HpackField;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.util.List;

/**
 * One request and its response on a stream of a shared {@link Http2ClientConnection}. The request head goes out as
 * HEADERS (RFC 9113 §8.3.1, from the same fields an HTTP/1.1 request would carry, less the connection-specific
 * ones), the body as DATA within the server's flow-control windows, and the response arrives through the stream.
 * Timeouts are the stream's own: a read waits at most {@code readTimeout}, the call ends at {@code callTimeout}, and
 * either resets only this stream; a cancel resets it too. The connection goes on for the other calls; a read timeout
 * also has it ask the server, with a PING, whether it is still there.
 *
 * <p>Threads: as {@link Exchange}.
 */
public final class Http2Exchange extends Exchange implements ClientSweeper.Sweepable {
    private final Http2ClientConnection connection;
    private final boolean reused;
    /**
     * The stream, once opened; held apart from the exchange, as what releases it should the call drop the exchange
     * unfinished (which must not hold the exchange).
     */
    private final OpenedStream opened;
    /** The call's deadline, enforced by the sweeper, passed: the stream was reset for it. */
    private volatile boolean callTimedOut;
    /** The connection took no new stream, so the request head never went out. */
    private volatile boolean headRefused;

    private Http2Exchange(Http2ClientConnection connection, CallContext call) {
        super(call);
        this.connection = connection;
        this.opened = new OpenedStream(connection);
        this.reused = connection.hasCarriedStreams();
        call.clock().connection(connection.socket().setup(), reused);
    }

    /**
     * Starts an exchange on a stream the call reserved on the connection.
     *
     * @throws dev.wisp.client.CallCanceledException if the call was canceled meanwhile; the place is given back
     */
    static Http2Exchange start(Http2ClientConnection connection, CallContext call) throws HttpCallException {
        Http2Exchange exchange = new Http2Exchange(connection, call);
        call.blockedOn(() -> exchange.abort("call canceled"));
        if (call.isCanceled()) {
            exchange.abort("call canceled");
            throw call.canceledException();
        }
        if (call.deadlineNanos() != 0) {
            ClientSweeper.instance().watch(exchange);
        }
        return exchange;
    }

    /**
     * Also true once the connection carried another stream, though it had carried none when this call started: the
     * calls that start together on a new connection share it, and one that ends under this call's request after
     * serving others ended as a reused connection does, which an idempotent call may meet again elsewhere.
     */
    @Override
    public boolean isReused() {
        return reused || connection.streamsOpened() > (stream() != null ? 1 : 0);
    }

    /**
     * Also true once the server reset the stream other than with REFUSED_STREAM: it had the request, and may have
     * processed it, so the call does not go again as one that met a stale connection would.
     */
    @Override
    public boolean hasResponseStarted() {
        Http2ClientStream current = stream();
        return super.hasResponseStarted()
                || current != null && current.isResetByPeer() && !current.wasRefusedUnprocessed();
    }

    @Override
    public boolean wasRefusedUnprocessed() {
        Http2ClientStream current = stream();
        return current == null ? headRefused : current.wasRefusedUnprocessed() && !hasResponseStarted();
    }

    @Override
    Http2ClientConnection refusingConnection() {
        return wasRefusedUnprocessed() ? connection : null;
    }

    @Override
    void writeRequestHead(long bodyLength) throws IOException {
        RequestHead head = RequestHeads.of(call.request(), call.config(), bodyLength);
        List<HpackField> fields = RequestFields.encode(head, call.request().origin().scheme());
        Http2HeadUnwrittenException unwritten = null;
        synchronized (this) { // an abort from another thread ends either no stream or this one
            if (ended.get()) {
                throw new InterruptedIOException("exchange ended before its request went out");
            }
            try {
                opened.stream = connection.open(head.method(), fields, bodyLength == 0);
            } catch (Http2HeadUnwrittenException e) {
                unwritten = e;
            } catch (Http2StreamEndedException e) {
                headRefused = e.wasRefusedUnprocessed();
                throw e;
            }
        }
        if (unwritten != null) { // decided outside the lock: it waits for the reading thread, and an abort need not
            IOException decided = connection.unprocessedPerGoAway(unwritten, waitNanos());
            headRefused = decided instanceof Http2StreamEndedException refused && refused.wasRefusedUnprocessed();
            throw decided;
        }
        RequestHead sent = new RequestHead(head.method(), head.target(), Version.HTTP_2, regularFields(fields));
        Events.fire(events, listener -> listener.requestHeadersSent(call.request(), sent));
    }

    /** The regular fields of a header block as sent (lowercase, without connection-specific ones), for events. */
    static Headers regularFields(List<HpackField> fields) {
        Headers.Builder regular = Headers.builder();
        for (HpackField field : fields) {
            if (!field.name().startsWith(":")) {
                regular.add(field.name(), field.value());
            }
        }
        return regular.build();
    }

    @Override
    OutputStream newBodyStream(long bodyLength) {
        return new Http2RequestBodyStream(connection.output(), stream(), bodyLength, call.config().bufferBytes());
    }

    @Override
    void flushRequest() {
        // Http2Output flushes every frame it writes.
    }

    @Override
    boolean carriesTrailers(OutputStream framed) {
        return true;
    }

    @Override
    void endBody(OutputStream framed, Headers trailers) throws IOException {
        ((Http2RequestBodyStream) framed).finish(trailers);
    }

    /** The request's END_STREAM never goes out: the stream is reset once the response was read (§8.1). */
    @Override
    void bodyRefused() {
    }

    /**
     * Only once the server cut the stream off after the final response head came: it reset the stream, with NO_ERROR
     * after a whole response to stop the body (RFC 9113 §8.1), or with any code after part of one; or it ended the
     * connection (its close, with or without GOAWAY, or a connection error of its own), as an HTTP/1.1 server that
     * answers early and closes does. What came is then read as a download cut by the same end would be. The head is
     * queued already; a write that the connection's end failed may have learned of it before the reading thread
     * handled all that came before, so that thread's end is awaited, as long as a read of the head would wait. Not
     * when this side reset the stream (a cancel, the call's timeout, a malformed response) or ended the connection,
     * nor when the flow-control window stayed shut for the write timeout.
     */
    @Override
    boolean mayHoldEarlyAnswer(IOException writeFailure) {
        Http2ClientStream current = stream();
        if (current == null || writeFailure instanceof HttpCallException
                || writeFailure instanceof SocketTimeoutException || call.isCanceled() || callTimedOut || ended.get()) {
            return false;
        }
        if (!current.isResetByPeer()) {
            if (!current.mayBeCutByConnectionEnd()) {
                return false;
            }
            connection.awaitEnd(waitNanos());
        }
        return current.wasAnsweredThenCutOff();
    }

    @Override
    void awaitFirstResponseByte() throws IOException {
        stream().awaitHead(waitNanos(), false);
    }

    @Override
    ResponseHead readHead() throws IOException {
        return stream().awaitHead(waitNanos(), true);
    }

    /** How long a read may wait: the read timeout, or less if the call's deadline comes sooner. */
    long waitNanos() {
        long read = call.config().readTimeout().toNanos();
        long deadline = call.deadlineNanos();
        return deadline == 0 ? read : Math.max(0, Math.min(read, deadline - System.nanoTime()));
    }

    @Override
    public BodyInputStream openBody(ResponseHead response) throws HttpCallException {
        ExchangeBodyStream body = new ExchangeBodyStream(this, new Http2ResponseBody(this, connection, stream()));
        if (body.isFinished()) {
            complete();
        }
        return body;
    }

    @Override
    void complete() {
        if (end()) {
            Events.fire(events, listener -> listener.finished(call.request(), call.clock().timing()));
        }
    }

    @Override
    HttpCallException fail(IOException e, Phase phase) {
        HttpCallException mapped = map(e, phase);
        if (end()) {
            reportFailure(mapped, phase);
        }
        return mapped;
    }

    private HttpCallException map(IOException e, Phase phase) {
        if (e instanceof HttpCallException typed) {
            return typed;
        }
        if (call.isCanceled()) {
            return call.canceledException();
        }
        String what = call.request() + " " + phase.where;
        if (callTimedOut || e instanceof Http2ReadTimeoutException && call.deadlineNanos() != 0
                && System.nanoTime() - call.deadlineNanos() >= 0) {
            return new TimeoutExceededException(Timeout.CALL, what, call.callTimeout());
        }
        if (e instanceof Http2ReadTimeoutException) {
            connection.readTimedOut(); // is the server still there?
            return new TimeoutExceededException(Timeout.READ, what, call.config().readTimeout());
        }
        if (e instanceof SocketTimeoutException) { // the server's flow-control window stayed shut
            return new TimeoutExceededException(Timeout.WRITE, what, call.config().writeTimeout());
        }
        if (e instanceof Http2StreamEndedException ended) {
            return new ConnectionClosedException(ended.getMessage() + " (" + phase.where + ")", false, e);
        }
        return Failures.map(e, call, connection.socket(), phase);
    }

    @Override
    public void abort(String reason) {
        end();
    }

    /**
     * Ends the exchange, once: the call's clock stops and the stream's place goes back, the stream reset if it is
     * still open either way; the place goes back even if a step before fails (under a full heap).
     *
     * @return false if the exchange had ended already
     */
    private boolean end() {
        if (!markEnded()) {
            return false;
        }
        try {
            call.clock().end();
            ClientSweeper.instance().unwatch(this);
        } finally {
            synchronized (this) { // against writeRequestHead: either no stream was opened, or this one is released
                connection.release(stream());
            }
        }
        return true;
    }

    @Override
    Runnable endWhenDropped() {
        return opened;
    }

    /** The stream the exchange opened, or null before; null also when the server took no new stream. */
    private Http2ClientStream stream() {
        return opened.stream;
    }

    /**
     * The stream an exchange opened, and, run, what releases it when the exchange was dropped unfinished (resetting
     * it if open), or the exchange's place if no stream opened.
     */
    private static final class OpenedStream implements Runnable {
        private final Http2ClientConnection connection;
        private volatile Http2ClientStream stream;

        OpenedStream(Http2ClientConnection connection) {
            this.connection = connection;
        }

        @Override
        public void run() {
            connection.release(stream);
        }
    }

    /** Resets the stream once the call's deadline passed; its blocked read or write fails. */
    @Override
    public void sweep(long nowNanos) {
        long deadline = call.deadlineNanos();
        if (deadline != 0 && nowNanos - deadline > 0 && !callTimedOut) {
            callTimedOut = true;
            ClientSweeper.instance().unwatch(this); // nothing more to enforce; a caller who drops it lets it go
            Http2ClientStream current = stream();
            if (current != null) {
                connection.output().reset(current, ErrorCode.CANCEL);
            }
        }
    }
}
