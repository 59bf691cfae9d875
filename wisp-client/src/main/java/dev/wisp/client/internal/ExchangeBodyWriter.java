package dev.wisp.client.internal;

import dev.wisp.client.internal.Failures.Phase;
import dev.wisp.core.Headers;
import dev.wisp.http1.ChunkedBodyOutputStream;
import dev.wisp.http1.FixedLengthBodyOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The request body of an exchange as an {@link OutputStream}: framed with the length announced in the head, or
 * chunked. A failure to write closes the connection and is thrown as the typed exception. {@link #finish()} ends
 * the body (checking a fixed length was met) and flushes it to the server.
 *
 * <p>Not thread-safe: the call's thread writes it.
 */
public final class ExchangeBodyWriter extends OutputStream {
    private final Http1Exchange exchange;
    private final OutputStream framed;
    private long written;
    private boolean finished;

    ExchangeBodyWriter(Http1Exchange exchange, long length) {
        this.exchange = exchange;
        this.framed = length < 0 ? new ChunkedBodyOutputStream(exchange.connection().output())
                : new FixedLengthBodyOutputStream(exchange.connection().output(), length);
        this.finished = length == 0;
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
            exchange.connection().output().flush();
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
        if (finished) {
            return;
        }
        finished = true;
        try {
            if (framed instanceof ChunkedBodyOutputStream chunked) {
                chunked.finish(Headers.empty());
            } else {
                framed.close();
            }
            exchange.connection().output().flush();
        } catch (IOException e) {
            throw exchange.fail(e, Phase.SENDING);
        }
        long bytes = written;
        Events.fire(exchange.call().config().eventListener(),
                listener -> listener.requestBodySent(exchange.request(), bytes));
    }

    /** Ends the body; same as {@link #finish()}. */
    @Override
    public void close() throws IOException {
        finish();
    }
}
