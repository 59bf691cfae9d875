package dev.wisp.client.internal;

import dev.wisp.client.HttpCallException;
import dev.wisp.client.RequestBodyLengthException;
import dev.wisp.client.internal.Failures.Phase;
import dev.wisp.core.Headers;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The request body of an exchange as an {@link OutputStream}, framed as its protocol does (in HTTP/1.1 with the
 * length announced in the head, or chunked; in HTTP/2 as DATA frames). A failure to write closes the connection and
 * is thrown as the typed exception, unless the server had answered already ({@link Exchange#readEarlyAnswer}): then
 * the rest of the body is dropped, and the response is read as usual. A body of declared length that runs past it,
 * or ends short of it, fails with {@link RequestBodyLengthException} over either protocol. {@link #finish()} ends
 * the body and flushes it to the server.
 *
 * <p>Not thread-safe: the call's thread writes it.
 */
public final class ExchangeBodyWriter extends OutputStream {
    private final Exchange exchange;
    private final OutputStream framed;
    private final long declaredLength;
    private long written;
    private boolean finished;
    /** Whether the server answered before the body was all sent: what is written now is dropped. */
    private boolean answeredEarly;
    /** Whether a write after an early answer fails rather than drops the bytes, to stop a whole body's source. */
    private boolean stopsWhenAnswered;

    /**
     * @param framed the protocol's framing of the body; closing it ends the body
     * @param declaredLength the length the head announced, or -1 for none (chunked, or an HTTP/2 body without one)
     */
    ExchangeBodyWriter(Exchange exchange, OutputStream framed, long declaredLength) {
        this.exchange = exchange;
        this.framed = framed;
        this.declaredLength = declaredLength;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        if (finished) {
            throw new IllegalStateException("request body is finished");
        }
        if (declaredLength >= 0 && written + length > declaredLength) {
            throw lengthMismatch("request body runs past", written + length);
        }
        if (!answeredEarly) {
            try {
                framed.write(bytes, offset, length);
            } catch (IOException e) {
                sendFailed(e);
            }
        }
        if (answeredEarly && stopsWhenAnswered) {
            throw new IOException("the server answered before the request body was sent; the rest is not sent");
        }
        written += length;
    }

    /**
     * Has a write after the server's early answer fail, rather than drop its bytes: a whole body's writer stops then,
     * instead of reading its source to the end for nothing. A caller's streamed body goes on, dropped.
     */
    void stopWhenAnswered() {
        stopsWhenAnswered = true;
    }

    /** Whether the server answered before the body was all sent; its rest was not sent. */
    boolean wasAnsweredEarly() {
        return answeredEarly;
    }

    /**
     * The body does not match its declared length: the caller's or the body source's fault, told apart from the
     * network's, since no retry would help. The same whatever the protocol, checked here before the framing sees
     * it; the exchange ends as its protocol allows (the HTTP/1.1 connection closes, the HTTP/2 stream is reset).
     */
    private HttpCallException lengthMismatch(String what, long bytes) {
        return exchange.fail(new RequestBodyLengthException(what + " its declared length of " + declaredLength
                + " bytes (" + bytes + " bytes written)", declaredLength), Phase.SENDING);
    }

    /** A write failed: the exchange fails, unless a response came first. */
    private void sendFailed(IOException e) throws HttpCallException {
        if (!exchange.readEarlyAnswer(e)) {
            throw exchange.fail(e, Phase.SENDING);
        }
        answeredEarly = true;
    }

    /** Sends what was written so far, without ending the body. */
    @Override
    public void flush() throws IOException {
        if (answeredEarly) {
            return;
        }
        try {
            framed.flush();
            exchange.flushRequest();
        } catch (IOException e) {
            sendFailed(e);
        }
    }

    /**
     * Ends the body and flushes it. Idempotent.
     *
     * @throws RequestBodyLengthException if a body of declared length is short
     * @throws IOException if the write fails
     */
    public void finish() throws IOException {
        finish(Headers.empty());
    }

    /**
     * Ends the body with these trailer fields (sent where the framing has a place for them: chunked HTTP/1.1 and
     * HTTP/2; dropped after a length announced over HTTP/1.1) and flushes it. Idempotent.
     *
     * @throws RequestBodyLengthException if a body of declared length is short
     * @throws IOException if the write fails
     */
    public void finish(Headers trailers) throws IOException {
        if (finished) {
            return;
        }
        finished = true;
        if (answeredEarly || declaredLength == 0) {
            return; // the rest stays unsent; or the head, announcing no body, ended the request (END_STREAM in HTTP/2)
        }
        if (declaredLength >= 0 && written < declaredLength) {
            throw lengthMismatch("request body ended short of", written);
        }
        try {
            exchange.endBody(framed, trailers);
            exchange.flushRequest();
        } catch (IOException e) {
            sendFailed(e);
            return;
        }
        long bytes = written;
        Events.fire(exchange.call().config().eventListener(),
                listener -> listener.requestBodySent(exchange.request(), bytes));
    }

    /** Whether trailer fields may follow the body: chunked HTTP/1.1, or HTTP/2. */
    public boolean carriesTrailers() {
        return exchange.carriesTrailers(framed);
    }

    /** Ends the body; same as {@link #finish()}. */
    @Override
    public void close() throws IOException {
        finish();
    }
}
