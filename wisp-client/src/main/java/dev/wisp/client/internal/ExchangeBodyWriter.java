package dev.wisp.client.internal;

import dev.wisp.client.internal.Failures.Phase;
import dev.wisp.core.Headers;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The request body of an exchange as an {@link OutputStream}, framed as its protocol does (in HTTP/1.1 with the
 * length announced in the head, or chunked; in HTTP/2 as DATA frames). A failure to write closes the connection and is thrown as the typed exception. {@link #finish()} ends
 * the body (checking a fixed length was met) and flushes it to the server.
 *
 * <p>Not thread-safe: the call's thread writes it.
 */
public final class ExchangeBodyWriter extends OutputStream {
    private final Exchange exchange;
    private final OutputStream framed;
    private long written;
    private boolean finished;

    /**
     * @param framed the protocol's framing of the body; closing it ends the body
     * @param empty whether the head said there is no body
     */
    ExchangeBodyWriter(Exchange exchange, OutputStream framed, boolean empty) {
        this.exchange = exchange;
        this.framed = framed;
        this.finished = empty;
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
        try {
            framed.write(bytes, offset, length);
        } catch (IOException e) {
            throw exchange.fail(e, Phase.SENDING);
        }
        written += length;
    }

    /** Sends what was written so far, without ending the body. */
    @Override
    public void flush() throws IOException {
        try {
            framed.flush();
            exchange.flushRequest();
        } catch (IOException e) {
            throw exchange.fail(e, Phase.SENDING);
        }
    }

    /**
     * Ends the body and flushes it. Idempotent.
     *
     * @throws IOException if a fixed-length body is short (the connection is then closed), or the write fails
     */
    public void finish() throws IOException {
        finish(Headers.empty());
    }

    /**
     * Ends the body with these trailer fields (sent where the framing has a place for them: chunked HTTP/1.1 and
     * HTTP/2; dropped after a length announced over HTTP/1.1) and flushes it. Idempotent.
     *
     * @throws IOException if a fixed-length body is short (the connection is then closed), or the write fails
     */
    public void finish(Headers trailers) throws IOException {
        if (finished) {
            return;
        }
        finished = true;
        try {
            exchange.endBody(framed, trailers);
            exchange.flushRequest();
        } catch (IOException e) {
            throw exchange.fail(e, Phase.SENDING);
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
