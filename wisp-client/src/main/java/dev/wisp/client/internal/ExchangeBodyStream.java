package dev.wisp.client.internal;

import dev.wisp.client.HttpCallException;
import dev.wisp.client.internal.Failures.Phase;
import dev.wisp.core.BodyInputStream;
import dev.wisp.core.Headers;
import java.io.IOException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The response body of an exchange, framing removed: reports each read as a {@code bodyChunk} event, completes the
 * exchange at the end of the body (the connection goes back to its owner), and turns a failure into the typed
 * exception. Closing it before the end keeps the connection if the rest is at hand already, read and dropped;
 * otherwise it closes the connection: the unread rest cannot be skipped safely, nor waited for.
 *
 * <p>One thread reads it; {@link #close()} from another thread during a read aborts the exchange.
 */
final class ExchangeBodyStream extends BodyInputStream {
    /** The most a close reads and drops to keep the connection; as the server's {@code maxDrainBytes}. */
    private static final long MAX_DROPPED_BYTES = 64 * 1024;
    private static final int DROP_CHUNK_BYTES = 8192;
    /** A field, not a literal, for a close under a full heap: see {@link Exchange#UNEXPECTED_FAILURE}. */
    private static final String CLOSED_EARLY = String.valueOf("response body closed before its end");
    private final Exchange exchange;
    private final BodyInputStream framed;
    /** Held by a read, so that a close on another thread cancels it rather than reads beside it. */
    private final ReentrantLock reading = new ReentrantLock();
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
        reading.lock();
        try {
            return readFramed(bytes, offset, length);
        } finally {
            reading.unlock();
        }
    }

    private int readFramed(byte[] bytes, int offset, int length) throws IOException {
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
        } catch (RuntimeException | Error e) {
            done = true;
            exchange.abandon();
            throw e;
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

    /**
     * Ends the exchange: complete if the body was read, else the connection closes, whatever the attempt to drop
     * the rest met (under a full heap, its buffer may not be had).
     */
    @Override
    public void close() {
        boolean ended = done;
        try {
            ended = ended || droppedTheRestAtHand();
        } finally {
            if (!ended) {
                done = true;
                exchange.abort(CLOSED_EARLY);
            }
        }
    }

    /**
     * Reads and drops the rest of the body if the connection holds it already, framing included (up to
     * {@value #MAX_DROPPED_BYTES} bytes), which ends the exchange as a read to the end does: a response whose status
     * alone was wanted (a health check) keeps its connection rather than costing a new one each time, and a local
     * port waiting out TIME_WAIT for a minute. Never waits for bytes: a rest that has yet to come closes the
     * connection as before. False if the body did not end.
     */
    private boolean droppedTheRestAtHand() {
        if (!reading.tryLock()) {
            return false; // a read is under way on another thread: this close cancels it
        }
        try {
            if (!framed.isRestBuffered()) {
                return false;
            }
            byte[] sink = new byte[DROP_CHUNK_BYTES];
            long dropped = 0;
            int n;
            while (!done && dropped < MAX_DROPPED_BYTES && (n = read(sink, 0, sink.length)) > 0) {
                dropped += n;
            }
            return done;
        } catch (IOException e) {
            return true; // the read failed the exchange, which ended its connection
        } finally {
            reading.unlock();
        }
    }
}
