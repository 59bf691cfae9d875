package dev.wisp.client.internal;

import dev.wisp.client.ClientConfig;
import dev.wisp.client.EventListener;
import dev.wisp.client.HttpCallException;
import dev.wisp.client.Request;
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
import dev.wisp.http1.EmptyBodyInputStream;
import dev.wisp.http1.FixedLengthBodyInputStream;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One request and its response on an {@link Http1ClientConnection}, in order:
 * <ol>
 *   <li>{@link #writeHead(long)} sends the request head;</li>
 *   <li>the body goes out through {@link #bodyWriter()} ({@link RequestBodies} does this for a whole body, with
 *       {@code 100-continue} when asked);</li>
 *   <li>{@link #readResponse()} reads the final response head (interim 1xx skipped) and returns the body;</li>
 *   <li>the body's end {@linkplain #complete() completes} the exchange and gives the connection back, or a
 *       failure {@linkplain #fail(IOException, Phase) closes} it.</li>
 * </ol>
 *
 * <p>Threads: the call's thread runs the steps; {@link #abort(String)} may come from any thread and closes the
 * connection at once. The connection goes back to its owner exactly once, whichever happens first.
 */
public final class Http1Exchange {
    /** Interim responses accepted before the final one; a server sending more is broken or hostile. */
    private static final int MAX_INTERIM_RESPONSES = 16;

    private final Http1ClientConnection connection;
    private final ConnectionOwner owner;
    private final CallContext call;
    private final boolean reused;
    private final EventListener events;
    private final AtomicBoolean released = new AtomicBoolean();
    private volatile boolean responseStarted;
    private final Http1ResponseReader reader;
    private RequestHead head;
    private ExchangeBodyWriter bodyWriter;
    private ResponseHead earlyHead;
    private CompletableFuture<ResponseHead> pendingFirstHead;

    private Http1Exchange(Http1ClientConnection connection, ConnectionOwner owner, CallContext call) {
        this.connection = connection;
        this.owner = owner;
        this.call = call;
        this.events = call.config().eventListener();
        this.reader = new Http1ResponseReader(limits());
        this.reused = connection.beginExchange(call.deadlineNanos(), call.config().readTimeout().toNanos());
        call.clock().connection(connection.setup(), reused);
        call.blockedOn(() -> abort("call canceled"));
    }

    /** Starts an exchange on a connection that is now the call's alone. */
    public static Http1Exchange start(Http1ClientConnection connection, ConnectionOwner owner, CallContext call)
            throws HttpCallException {
        Http1Exchange exchange = new Http1Exchange(connection, owner, call);
        owner.started(exchange);
        if (call.isCanceled()) {
            exchange.abort("call canceled");
            throw call.canceledException();
        }
        return exchange;
    }

    public Request request() {
        return call.request();
    }

    CallContext call() {
        return call;
    }

    Http1ClientConnection connection() {
        return connection;
    }

    /** Whether the connection carried an exchange before this one. */
    public boolean isReused() {
        return reused;
    }

    /** Whether any byte of the response arrived: if not, the request may not have been processed. */
    public boolean hasResponseStarted() {
        return responseStarted;
    }

    /**
     * Writes the request head, flushed when the body waits for 100 Continue or there is none.
     *
     * @param bodyLength the body's length, or -1 for chunked
     */
    public void writeHead(long bodyLength) throws HttpCallException {
        head = RequestHeads.of(call.request(), call.config(), bodyLength);
        if (head.headers().containsToken(HeaderNames.CONNECTION, "close")) {
            connection.doNotReuse();
        }
        try {
            Http1HeadWriter.writeRequestHead(connection.output(), head);
            if (bodyLength == 0 || call.request().expectsContinue()) {
                connection.output().flush();
            }
        } catch (IOException e) {
            throw fail(e, Phase.SENDING);
        }
        RequestHead sent = head;
        Events.fire(events, listener -> listener.requestHeadersSent(call.request(), sent));
        bodyWriter = new ExchangeBodyWriter(this, bodyLength);
    }

    /** The whole request is written (and flushed): tells the owner, which may let the next request go out. */
    void requestWritten() {
        owner.requestWritten(this);
    }

    /** The stream the request body goes to, after {@link #writeHead(long)}. */
    public ExchangeBodyWriter bodyWriter() {
        return bodyWriter;
    }

    /**
     * Reads the final response head: one the server sent before the body was invited, else the next final head
     * from the wire, interim 1xx responses skipped.
     */
    public ResponseHead readResponseHead() throws HttpCallException {
        try {
            owner.awaitTurnToRead(this);
            ResponseHead first = earlyHead != null ? earlyHead
                    : pendingFirstHead != null ? join(pendingFirstHead) : readFirstHead();
            return isFinal(first) ? announce(first) : readFinalHead();
        } catch (IOException e) {
            throw fail(e, responseStarted ? Phase.READING_HEAD : Phase.AWAITING_RESPONSE);
        }
    }

    /** Sets the final head the server sent while the body waited for 100 Continue. */
    void earlyHead(ResponseHead early) {
        this.earlyHead = early;
    }

    /** Sets the read of the first head still running after the wait for 100 Continue ended. */
    void pendingFirstHead(CompletableFuture<ResponseHead> pending) {
        this.pendingFirstHead = pending;
    }

    private static ResponseHead join(CompletableFuture<ResponseHead> pending) throws IOException {
        try {
            return pending.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw e;
        }
    }

    /**
     * Reads the first response head, noting the time of its first byte. Before it waits, the thread lets the others
     * go first on a crowded carrier, or polls briefly when alone on it with a fast server ({@link NextInput}).
     */
    ResponseHead readFirstHead() throws IOException {
        if (connection.input().buffered() == 0) {
            NextInput.beforeWaiting(connection.transport());
        }
        if (!connection.input().awaitData()) {
            throw new EOFException("the server closed the connection without answering");
        }
        call.clock().firstByte();
        responseStarted = true;
        return reader.readHead(connection.input());
    }

    /**
     * Reads heads until {@code 100 Continue} or a final one, for a body held until it is invited: another interim
     * response, such as {@code 103 Early Hints}, is no invitation (RFC 9110 §10.1.1, §15.2.4).
     */
    ResponseHead readUntilContinue() throws IOException {
        ResponseHead response = readFirstHead();
        for (int i = 1; response.status().code() != 100 && !isFinal(response); i++) {
            if (i == MAX_INTERIM_RESPONSES) {
                throw tooManyInterimResponses();
            }
            response = reader.readHead(connection.input());
        }
        return response;
    }

    /** Reads heads until a final one. */
    private ResponseHead readFinalHead() throws IOException {
        for (int i = 0; i < MAX_INTERIM_RESPONSES; i++) {
            ResponseHead response = reader.readHead(connection.input());
            if (isFinal(response)) {
                return announce(response);
            }
        }
        throw tooManyInterimResponses();
    }

    private static MalformedMessageException tooManyInterimResponses() {
        return new MalformedMessageException("more than " + MAX_INTERIM_RESPONSES + " interim responses");
    }

    /** 1xx responses other than 101 are interim (RFC 9110 §15.2). */
    static boolean isFinal(ResponseHead response) {
        return !response.status().isInformational() || response.status().code() == 101;
    }

    private ResponseHead announce(ResponseHead response) {
        Events.fire(events, listener -> listener.responseHeaders(call.request(), response));
        return response;
    }

    /** The response body as framed by the head; decides whether the connection can carry another exchange. */
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

    /** The response body was read to its end: the connection goes back to its owner, kept if it can be. */
    void complete() {
        if (connection.input().buffered() > 0 && connection.exchangesInFlight() <= 1) {
            connection.doNotReuse(); // bytes after the response that nobody asked for (none pipelined behind it)
        }
        call.clock().end();
        connection.endExchange();
        connection.releaseBuffers();
        Events.fire(events, listener -> listener.finished(call.request(), call.clock().timing()));
        giveBack();
    }

    /** A failure on the call's thread: maps it, closes the connection and gives it back. */
    HttpCallException fail(IOException e, Phase phase) {
        HttpCallException mapped = Failures.map(e, call, connection, phase);
        connection.close(mapped.getMessage());
        call.clock().end();
        connection.endExchange();
        connection.releaseBuffers();
        if (phase == Phase.READING_BODY) {
            // Failures before the response are reported once by CallRunner, after any retry.
            Events.fire(events, listener -> listener.failed(call.request(), mapped));
        }
        giveBack();
        return mapped;
    }

    /**
     * Ends the exchange from any thread: the connection closes at once and goes back to its owner before this
     * returns. It claims the giving back before it closes: the close makes the call's thread fail, and that thread
     * would otherwise give the connection back itself, possibly after this returned.
     */
    public void abort(String reason) {
        if (released.compareAndSet(false, true)) {
            connection.close(reason);
            call.clock().end();
            handBack();
        }
    }

    private void giveBack() {
        if (released.compareAndSet(false, true)) {
            handBack();
        }
    }

    private void handBack() {
        owner.release(this);
        if (Thread.currentThread().isVirtual()) {
            BusyThreads.exchangeEnded(); // on a busy client's carrier, for the threads waiting behind it
        }
    }
}
