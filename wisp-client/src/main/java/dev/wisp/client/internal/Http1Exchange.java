package dev.wisp.client.internal;

import dev.wisp.client.ClientConfig;
import dev.wisp.client.HttpCallException;
import dev.wisp.client.internal.Failures.Phase;
import dev.wisp.core.BodyInputStream;
import dev.wisp.core.HeaderNames;
import dev.wisp.core.Headers;
import dev.wisp.core.HttpProtocolException;
import dev.wisp.core.Method;
import dev.wisp.core.RequestHead;
import dev.wisp.core.ResponseHead;
import dev.wisp.core.MalformedMessageException;
import dev.wisp.core.UnsupportedTransferCodingException;
import dev.wisp.core.Version;
import dev.wisp.http1.ChunkedBodyInputStream;
import dev.wisp.http1.ChunkedBodyOutputStream;
import dev.wisp.http1.EmptyBodyInputStream;
import dev.wisp.http1.FixedLengthBodyInputStream;
import dev.wisp.http1.FixedLengthBodyOutputStream;
import dev.wisp.http1.Http1Framing;
import dev.wisp.http1.Http1HeadWriter;
import dev.wisp.http1.Http1Limits;
import dev.wisp.http1.Http1ResponseReader;
import dev.wisp.http1.UntilCloseBodyInputStream;
import dev.wisp.transport.BusyThreads;
import dev.wisp.transport.NextInput;
import dev.wisp.transport.TlsTransport;
import dev.wisp.transport.Transport;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;

/**
 * One request and its response on an {@link Http1ClientConnection}, which is the exchange's alone for the while
 * (or, pipelined, its writer's and then its reader's): the head goes out through {@link Http1HeadWriter}, the body
 * framed by Content-Length or chunked, and the response is framed as RFC 9112 §6 says. The body's end gives the
 * connection back to its owner, kept if it can carry another exchange; a failure closes it.
 *
 * <p>Threads: as {@link Exchange}; {@link #abort(String)} closes the connection at once. The connection goes back to
 * its owner exactly once, whichever happens first.
 */
public final class Http1Exchange extends Exchange {
    private static final String DROPPED = "its response was dropped unfinished";
    private final Http1ClientConnection connection;
    private final ConnectionOwner owner;
    private final boolean reused;
    private final Http1ResponseReader reader;
    private RequestHead head;
    /** Its place in the line of a pipelined connection; null on any other. */
    private Http1Pipeline.Place pipelinePlace;

    private Http1Exchange(Http1ClientConnection connection, ConnectionOwner owner, CallContext call) {
        super(call);
        this.connection = connection;
        this.owner = owner;
        this.reader = new Http1ResponseReader(limits());
        this.reused = connection.beginExchange(call.deadlineNanos(), call.config().readTimeout().toNanos());
        call.clock().connection(connection.setup(), reused);
        call.blockedOn(() -> abort("call canceled"));
    }

    /** Starts an exchange on a connection that is now the call's alone. */
    public static Http1Exchange start(Http1ClientConnection connection, ConnectionOwner owner, CallContext call)
            throws HttpCallException {
        Http1Exchange exchange;
        try {
            exchange = new Http1Exchange(connection, owner, call);
        } catch (RuntimeException | Error e) {
            owner.releaseClosed(connection, UNEXPECTED_FAILURE); // no exchange to give it back
            throw e;
        }
        owner.started(exchange);
        if (call.isCanceled()) {
            exchange.abort("call canceled");
            throw call.canceledException();
        }
        return exchange;
    }

    Http1ClientConnection connection() {
        return connection;
    }

    Http1Pipeline.Place pipelinePlace() {
        return pipelinePlace;
    }

    /** Its owner pipelines requests: the exchange is in the line at this place. */
    void placedAt(Http1Pipeline.Place place) {
        this.pipelinePlace = place;
    }

    @Override
    public boolean isReused() {
        return reused;
    }

    @Override
    void writeRequestHead(long bodyLength) throws IOException {
        head = RequestHeads.of(call.request(), call.config(), bodyLength);
        if (head.headers().containsToken(HeaderNames.CONNECTION, "close")) {
            connection.doNotReuse();
        }
        Http1HeadWriter.writeRequestHead(connection.output(), head);
        if (bodyLength == 0 || call.request().expectsContinue()) {
            connection.output().flush();
        }
        RequestHead sent = head;
        Events.fire(events, listener -> listener.requestHeadersSent(call.request(), sent));
    }

    @Override
    OutputStream newBodyStream(long bodyLength) {
        return bodyLength < 0 ? new ChunkedBodyOutputStream(connection.output())
                : new FixedLengthBodyOutputStream(connection.output(), bodyLength);
    }

    @Override
    void flushRequest() throws IOException {
        connection.output().flush();
    }

    /** Trailers end a chunked body; a body of announced length has no place for them. */
    @Override
    boolean carriesTrailers(OutputStream framed) {
        return framed instanceof ChunkedBodyOutputStream;
    }

    @Override
    void endBody(OutputStream framed, Headers trailers) throws IOException {
        if (framed instanceof ChunkedBodyOutputStream chunked) {
            chunked.finish(trailers);
        } else {
            framed.close();
        }
    }

    @Override
    void requestWritten() {
        owner.requestWritten(this);
    }

    @Override
    void awaitTurnToRead() throws IOException {
        owner.awaitTurnToRead(this);
    }

    /**
     * Only a failure of the socket itself (a reset, a broken pipe), never a timeout or a cancel, and only when this
     * exchange's response is the next on the connection (a pipelined one may have others before it).
     */
    @Override
    boolean mayHoldEarlyAnswer(IOException writeFailure) {
        return !(writeFailure instanceof HttpCallException) && !call.isCanceled() && connection.expired() == null
                && connection.exchangesInFlight() <= 1;
    }

    /** The connection holds the unsent body's place: it cannot carry another exchange. */
    @Override
    void bodyRefused() {
        connection.doNotReuse();
    }

    /**
     * Waits for the response's first byte. Before it waits, the thread lets the others go first on a crowded carrier,
     * or polls briefly when alone on it with a fast server ({@link NextInput}).
     */
    @Override
    void awaitFirstResponseByte() throws IOException {
        if (connection.input().buffered() == 0) {
            connection.transport().nextReadAwaitsAnswer();
            NextInput.beforeWaiting(connection.transport());
        }
        if (!connection.input().awaitData()) {
            throw new EOFException("the server closed the connection without answering");
        }
    }

    @Override
    ResponseHead readHead() throws IOException {
        return reader.readHead(connection.input());
    }

    /** The response body as framed by the head; decides whether the connection can carry another exchange. */
    @Override
    public BodyInputStream openBody(ResponseHead response) throws HttpCallException {
        Http1Framing framing;
        try {
            framing = Http1Framing.ofResponse(head.method(), response.status(), response.headers());
            checkUnasked(response, framing);
        } catch (IOException e) {
            throw fail(e, Phase.READING_HEAD);
        }
        Headers fields = response.headers();
        // RFC 9112 §6.1: Transfer-Encoding in HTTP/1.0 is faulty framing; the connection closes after the message.
        boolean keepAlive = response.version() == Version.HTTP_1_1
                ? !fields.containsToken(HeaderNames.CONNECTION, "close")
                : fields.containsToken(HeaderNames.CONNECTION, "keep-alive")
                        && !fields.contains(HeaderNames.TRANSFER_ENCODING);
        if (!keepAlive || framing instanceof Http1Framing.UntilClose || response.status().code() == 101) {
            connection.doNotReuse();
        }
        BodyInputStream framed = switch (framing) {
            case Http1Framing.None none -> EmptyBodyInputStream.INSTANCE;
            case Http1Framing.FixedLength fixed -> new FixedLengthBodyInputStream(connection.input(), fixed.length());
            case Http1Framing.Chunked chunked -> ChunkedBodyInputStream.ofResponse(connection.input(), limits());
            case Http1Framing.UntilClose untilClose -> new UntilCloseBodyInputStream(connection.input(),
                    () -> requireCloseNotify(connection.transport()));
        };
        ExchangeBodyStream body = new ExchangeBodyStream(this, framed);
        if (framed.isFinished()) {
            complete();
        }
        return body;
    }

    /**
     * Refuses what the request did not ask for and the client cannot read: a 101 to a request without Upgrade
     * (RFC 9110 §15.2.2: a server switches only to a protocol the client named; what follows is not HTTP), and a
     * transfer coding other than chunked (RFC 9112 §7: the client sends no TE, and the framing leaves a body of
     * gzip, say, to be read until the close, which would hand over coded bytes as the content).
     */
    private void checkUnasked(ResponseHead response, Http1Framing framing) throws HttpProtocolException {
        if (response.status().code() == 101 && !head.headers().contains("Upgrade")) {
            throw new MalformedMessageException("101 Switching Protocols to a request that asked for no upgrade");
        }
        if (framing instanceof Http1Framing.UntilClose && !head.method().equals(Method.CONNECT)) {
            for (String field : response.headers().all(HeaderNames.TRANSFER_ENCODING)) {
                for (String element : field.split(",")) {
                    int semicolon = element.indexOf(';');
                    String coding = (semicolon < 0 ? element : element.substring(0, semicolon)).strip();
                    if (!coding.isEmpty() && !coding.equalsIgnoreCase("identity")) {
                        throw new UnsupportedTransferCodingException(coding);
                    }
                }
            }
        }
    }

    /**
     * RFC 9112 §9.8: a body without Content-Length or chunked coding is complete over TLS only if the server's
     * close_notify ended it; a bare TCP close is what cutting the connection looks like, so the body may be short.
     */
    private static void requireCloseNotify(Transport transport) throws EOFException {
        if (transport instanceof TlsTransport tls && !tls.engine().isInboundDone()) {
            throw new EOFException("TLS connection ended without close_notify, so the body, which only the end of "
                    + "the connection delimits, may be cut short");
        }
    }

    private Http1Limits limits() {
        ClientConfig config = call.config();
        return new Http1Limits(config.maxStatusLineBytes(), config.maxHeaderBytes(), config.maxHeaderCount(),
                config.maxChunkLineBytes());
    }

    /**
     * The response body was read to its end: the connection goes back to its owner, kept if it can be. Should a step
     * before fail (a full heap), the connection closes and goes back all the same.
     */
    @Override
    void complete() {
        try {
            if (connection.input().buffered() > 0 && connection.exchangesInFlight() <= 1) {
                connection.doNotReuse(); // bytes after the response that nobody asked for (none pipelined behind it)
            }
            call.clock().end();
            connection.endExchange();
            connection.releaseBuffers();
            Events.fire(events, listener -> listener.finished(call.request(), call.clock().timing()));
        } catch (RuntimeException | Error e) {
            abandon();
            throw e;
        }
        giveBack();
    }

    /** A failure on the call's thread: maps it, closes the connection and gives it back. */
    @Override
    HttpCallException fail(IOException e, Phase phase) {
        HttpCallException mapped;
        try {
            mapped = Failures.map(e, call, connection, phase);
            connection.close(mapped.getMessage());
            call.clock().end();
            connection.endExchange();
            connection.releaseBuffers();
            reportFailure(mapped, phase);
        } catch (RuntimeException | Error unexpected) {
            abandon();
            throw unexpected;
        }
        giveBack();
        return mapped;
    }

    /**
     * Ends the exchange from any thread: the connection closes at once and goes back to its owner before this
     * returns, even if a step of the closing fails. It claims the giving back before it closes: the close makes the
     * call's thread fail, and that thread would otherwise give the connection back itself, possibly after this
     * returned.
     */
    @Override
    public void abort(String reason) {
        if (markEnded()) {
            try {
                connection.close(reason);
                call.clock().end();
            } finally {
                handBack();
            }
        }
    }

    private void giveBack() {
        if (markEnded()) {
            handBack();
        }
    }

    @Override
    Runnable endWhenDropped() {
        return owner.endWhenDropped(this, DROPPED);
    }

    private void handBack() {
        owner.release(this);
        if (Thread.currentThread().isVirtual()) {
            BusyThreads.exchangeEnded(); // on a busy client's carrier, for the threads waiting behind it
        }
    }
}
