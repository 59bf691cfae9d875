package dev.wisp.client.internal;

import dev.wisp.client.EventListener;
import dev.wisp.client.HttpCallException;
import dev.wisp.client.Request;
import dev.wisp.client.internal.Failures.Phase;
import dev.wisp.core.BodyInputStream;
import dev.wisp.core.Headers;
import dev.wisp.core.MalformedMessageException;
import dev.wisp.core.ResponseHead;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One request and its response, whatever the protocol carrying them ({@link Http1Exchange} on a connection of its
 * own for the while, {@link Http2Exchange} on a stream of a shared connection), in order:
 * <ol>
 *   <li>{@link #writeHead(long)} sends the request head;</li>
 *   <li>the body goes out through {@link #bodyWriter()} ({@link RequestSender} does this for a whole body, with
 *       {@code 100-continue} when asked);</li>
 *   <li>{@link #readResponseHead()} reads the final response head (interim 1xx told to the listener, skipped) and
 *       {@link #openBody(ResponseHead)} the body;</li>
 *   <li>the body's end {@linkplain #complete() completes} the exchange, or a failure {@linkplain
 *       #fail(IOException, Phase) ends} it.</li>
 * </ol>
 * This class keeps what both protocols share: the order of response heads (interim ones skipped, a final one the
 * server sent while the body waited for 100 Continue), the call's events, and ending exactly once.
 *
 * <p>Threads: the call's thread runs the steps; {@link #abort(String)} may come from any thread.
 */
public abstract sealed class Exchange permits Http1Exchange, Http2Exchange {
    /** Interim responses accepted before the final one; a server sending more is broken or hostile. */
    static final int MAX_INTERIM_RESPONSES = 16;
    /**
     * Why a connection closes when a call failed where no step expected it: under a full heap, say. No compile-time
     * constant, on purpose: a string literal is made where it first runs, which takes memory; a field's value is made
     * when the class loads.
     */
    static final String UNEXPECTED_FAILURE = String.valueOf("the call failed unexpectedly");

    final CallContext call;
    final EventListener events;
    /** Whether the exchange has ended: completed, failed or aborted; or, dropped unfinished, by its watch. */
    final AtomicBoolean ended = new AtomicBoolean();
    /** The watch that ends the exchange should its caller drop it unfinished; null for an explicit connection's. */
    private volatile ExchangeLeaks.Watch watch;
    private volatile boolean responseStarted;
    private ExchangeBodyWriter bodyWriter;
    private ResponseHead earlyHead;
    private CompletableFuture<ResponseHead> pendingFirstHead;

    Exchange(CallContext call) {
        this.call = call;
        this.events = call.config().eventListener();
    }

    public final Request request() {
        return call.request();
    }

    final CallContext call() {
        return call;
    }

    /** Whether the connection carried an exchange before this one. */
    public abstract boolean isReused();

    /**
     * Whether the request may have been processed if the exchange fails now: false while no byte of the response
     * came on a connection the server dropped, or when an HTTP/2 server refused the stream (RFC 9113 §8.7).
     */
    public boolean hasResponseStarted() {
        return responseStarted;
    }

    /**
     * Whether a request that failed here was surely not processed, whatever its method, and may go again on another
     * connection: true only when the server said so (an HTTP/2 REFUSED_STREAM, or a GOAWAY that left it out).
     */
    public boolean wasRefusedUnprocessed() {
        return false;
    }

    /** The HTTP/2 connection that refused the request unprocessed ({@link #wasRefusedUnprocessed}), or null. */
    Http2ClientConnection refusingConnection() {
        return null;
    }

    /**
     * Writes the request head, flushed when the body waits for 100 Continue or there is none.
     *
     * @param bodyLength the body's length, or -1 for one of unknown length (chunked in HTTP/1.1)
     */
    public final void writeHead(long bodyLength) throws HttpCallException {
        try {
            writeRequestHead(bodyLength);
        } catch (IOException e) {
            throw fail(e, Phase.SENDING);
        }
        bodyWriter = new ExchangeBodyWriter(this, newBodyStream(bodyLength), bodyLength);
    }

    /** Writes the head and fires the event that it was sent. */
    abstract void writeRequestHead(long bodyLength) throws IOException;

    /** The framing stream of the request body: writes go out as the protocol frames them, closing it ends the body. */
    abstract OutputStream newBodyStream(long bodyLength);

    /** Sends what the request body stream gathered to the server. */
    abstract void flushRequest() throws IOException;

    /** Ends a body {@link #newBodyStream} framed, with trailer fields where the framing has a place for them. */
    abstract void endBody(OutputStream framed, Headers trailers) throws IOException;

    /** Whether a body {@link #newBodyStream} framed has a place for trailer fields after it. */
    abstract boolean carriesTrailers(OutputStream framed);

    /** The whole request is written (and flushed): the next request may go out before its response arrives. */
    void requestWritten() {
    }

    /** The stream the request body goes to, after {@link #writeHead(long)}. */
    public final ExchangeBodyWriter bodyWriter() {
        return bodyWriter;
    }

    /**
     * Reads the final response head: one the server sent before the body was invited, else the next final head
     * from the wire, interim 1xx responses skipped.
     */
    public final ResponseHead readResponseHead() throws HttpCallException {
        try {
            awaitTurnToRead();
            ResponseHead first = earlyHead != null ? earlyHead
                    : pendingFirstHead != null ? join(pendingFirstHead) : readFirstHead();
            return isFinal(first) ? announce(first) : readFinalHead();
        } catch (IOException e) {
            throw fail(e, responseStarted ? Phase.READING_HEAD : Phase.AWAITING_RESPONSE);
        }
    }

    /** Returns when this exchange's response is the next to arrive: at once unless HTTP/1.1 requests are pipelined. */
    void awaitTurnToRead() throws IOException {
    }

    /** Sets the final head the server sent while the body waited for 100 Continue: the body is not sent. */
    void earlyHead(ResponseHead early) {
        this.earlyHead = early;
        bodyRefused();
    }

    /** The server answered before the body was invited, which therefore stays unsent. */
    abstract void bodyRefused();

    /**
     * After the request body's write failed, reads the final response head that may have come meanwhile: RFC 9112
     * §9.5 has a client that sends a body watch for a response, since a server may answer before reading it all
     * (a 413 for a body past its limit) and then close, which breaks the body's write; an HTTP/2 server resets the
     * stream instead (RFC 9113 §8.1), or ends the connection as well. The body then stays unsent (over HTTP/1.1 the
     * connection is not reused);
     * {@link #readResponseHead()} returns the head and the body is read as framed, up to where it was cut off.
     *
     * @return whether a final head was read; if not, the write's failure stands
     */
    final boolean readEarlyAnswer(IOException writeFailure) {
        if (pendingFirstHead != null || !mayHoldEarlyAnswer(writeFailure)) {
            return false; // a read of the first head still runs after the wait for 100 Continue: it gets the answer
        }
        try {
            ResponseHead head = readFirstHead();
            for (int i = 1; !isFinal(head); i++) {
                if (i == MAX_INTERIM_RESPONSES) {
                    return false;
                }
                head = nextHead();
            }
            earlyHead(head);
            return true;
        } catch (IOException e) {
            writeFailure.addSuppressed(e);
            return false;
        }
    }

    /**
     * Whether a response may wait for the exchange whose request body's write failed this way: never after a timeout
     * or a cancel.
     */
    boolean mayHoldEarlyAnswer(IOException writeFailure) {
        return false;
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

    /** Reads the first response head, noting the time of its first byte. */
    final ResponseHead readFirstHead() throws IOException {
        awaitFirstResponseByte();
        call.clock().firstByte();
        responseStarted = true;
        return nextHead();
    }

    /**
     * Waits until the response begins.
     *
     * @throws IOException if the connection or stream ended first, or the read timeout passed
     */
    abstract void awaitFirstResponseByte() throws IOException;

    /** Reads the next response head from the wire, interim or final. */
    abstract ResponseHead readHead() throws IOException;

    /** Reads the next response head, interim or final; an interim one is told to the listener as it comes. */
    private ResponseHead nextHead() throws IOException {
        ResponseHead head = readHead();
        if (!isFinal(head)) {
            Events.fire(events, listener -> listener.interimResponse(call.request(), head));
        }
        return head;
    }

    /**
     * Reads heads until {@code 100 Continue} or a final one, for a body held until it is invited: another interim
     * response, such as {@code 103 Early Hints}, is no invitation (RFC 9110 §10.1.1, §15.2.4).
     */
    final ResponseHead readUntilContinue() throws IOException {
        ResponseHead response = readFirstHead();
        for (int i = 1; response.status().code() != 100 && !isFinal(response); i++) {
            if (i == MAX_INTERIM_RESPONSES) {
                throw tooManyInterimResponses();
            }
            response = nextHead();
        }
        return response;
    }

    /** Reads heads until a final one. */
    private ResponseHead readFinalHead() throws IOException {
        for (int i = 0; i < MAX_INTERIM_RESPONSES; i++) {
            ResponseHead response = nextHead();
            if (isFinal(response)) {
                return announce(response);
            }
        }
        throw tooManyInterimResponses();
    }

    static MalformedMessageException tooManyInterimResponses() {
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

    /** The response body, framing removed; a body that is empty completes the exchange at once. */
    public abstract BodyInputStream openBody(ResponseHead response) throws HttpCallException;

    /** The response body was read to its end: what the exchange held goes back, kept for reuse if it can be. */
    abstract void complete();

    /**
     * A failure on the call's thread: maps it to the typed exception, ends the exchange (closing what can no longer
     * be trusted) and reports it if the response had begun.
     */
    abstract HttpCallException fail(IOException e, Phase phase);

    /** Ends the exchange from any thread, at once; a blocked read or write of the call fails. */
    public abstract void abort(String reason);

    /**
     * Marks the exchange ended, once, and lets go of its watch.
     *
     * @return whether this call marked it: false if it had ended already
     */
    final boolean markEnded() {
        if (!ended.compareAndSet(false, true)) {
            return false;
        }
        ExchangeLeaks.Watch current = watch;
        if (current != null) {
            current.forget();
        }
        return true;
    }

    /** Sets the watch of an exchange just started; one that ended meanwhile needs none. */
    final void watchedBy(ExchangeLeaks.Watch watch) {
        this.watch = watch;
        if (ended.get()) {
            watch.forget();
        }
    }

    /**
     * What ends the exchange once its caller dropped it unfinished and it is garbage: the same as an abort, as a task
     * that holds none of the exchange.
     */
    abstract Runnable endWhenDropped();

    /**
     * Ends the exchange after a failure that no step mapped (an {@link Error}, such as an {@link OutOfMemoryError}
     * under a full heap, or a bug) and that would otherwise leave its connection checked out for good: the
     * connection closes and goes back to its owner. Does nothing to an exchange that ended already. The reason is a
     * constant: making a message may fail as well when the heap is full.
     */
    public final void abandon() {
        abort(UNEXPECTED_FAILURE);
    }

    /** Fires the event of a call that failed in the response body; earlier failures are reported by the runner. */
    final void reportFailure(HttpCallException mapped, Phase phase) {
        if (phase == Phase.READING_BODY) {
            Events.fire(events, listener -> listener.failed(call.request(), mapped));
        }
    }
}
