package dev.wisp.client.internal;

import dev.wisp.client.HttpCallException;
import dev.wisp.client.internal.Failures.Phase;
import dev.wisp.core.BodyInputStream;
import dev.wisp.core.Headers;
import java.io.IOException;

/**
 * The response body of an exchange, framing removed: reports each read as a {@code bodyChunk} event, completes the
 * exchange at the end of the body (the connection goes back to its owner), and turns a failure into the typed
 * exception. Closing it before the end closes the connection: the unread rest cannot be skipped safely.
 *
 * <p>Not thread-safe: one thread reads it; {@link #close()} from another thread aborts the exchange.
 */
final class ExchangeBodyStream extends BodyInputStream {
    private final Exchange exchange;
    private final BodyInputStream framed;
    private volatile boolean done;
    /**
     * What a read failed with, thrown again by later reads: a reader above may swallow the first one (a gzip stream
     * looking for a next member does) and read on.
     */
    private HttpCallException failure;

    ExchangeBodyStream(Exchange exchange, BodyInputStream framed) {
        this.exchange = exchange;
        this.framed = framed;
        this.done = framed.isFinished();
    }

    @Override
    public int read(byte[] bytes, int offset, int length) throws IOException {
        if (done) {
            if (failure != null) {
                throw failure;
            }
            if (!framed.isFinished()) {
                throw new IOException("response body is closed");
            }
            return length == 0 ? 0 : -1;
        }
        int n;
        try {
            n = framed.read(bytes, offset, length);
        } catch (IOException e) {
            done = true;
            failure = exchange.fail(e, Phase.READING_BODY);
            throw failure;
        }
        if (n > 0) {
            Events.fire(exchange.call().config().eventListener(),
                    listener -> listener.bodyChunk(exchange.request(), n));
        }
        if (n < 0 || framed.isFinished()) {
            done = true;
            exchange.complete();
        }
        return n;
    }

    @Override
    public int available() throws IOException {
        return done ? 0 : framed.available();
    }

    @Override
    public long length() {
        return framed.length();
    }

    @Override
    public Headers trailers() {
        return framed.trailers();
    }

    @Override
    public boolean isFinished() {
        return framed.isFinished();
    }

    /** Ends the exchange: complete if the body was read, else the connection closes. */
    @Override
    public void close() {
        if (!done) {
            done = true;
            exchange.abort("response body closed before its end");
        }
    }
}
