package dev.wisp.client.internal;

import dev.wisp.core.ContentLength;
import dev.wisp.core.MalformedMessageException;
import dev.wisp.core.Method;
import dev.wisp.core.ResponseHead;
import dev.wisp.http2.ErrorCode;
import dev.wisp.http2.Http2Stream;
import dev.wisp.http2.StreamException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One stream of an HTTP/2 client connection: a request going out and its response arriving. The connection's
 * reading thread hands it the response heads (interim ones, then the final one), the content and the trailers; the
 * call's thread takes them through its {@link Http2Exchange}.
 *
 * <p>Thread-safe.
 */
final class Http2ClientStream extends Http2Stream {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition headArrived = lock.newCondition();
    private final ArrayDeque<ResponseHead> heads = new ArrayDeque<>();
    private boolean finalHeadReceived;
    /** Why the stream failed on our side (a malformed response, a header list past our limit); null if it did not. */
    private volatile IOException failure;
    /** Whether the server said it did not process the request: REFUSED_STREAM, or left out of its GOAWAY. */
    private volatile boolean refusedUnprocessed;
    /** Why the connection ended under the stream, for the error the call gets; null while it lives. */
    private volatile String connectionEndReason;
    /** Whether the server ended the connection while the stream was live: neither side had reset it. */
    private volatile boolean cutByServer;

    private final Method method;

    Http2ClientStream(int id, Method method, int receiveWindowSize, int sendWindowSize) {
        super(id, -1, receiveWindowSize, sendWindowSize, false);
        this.method = method;
    }

    /** The request's method: a response to HEAD has no content, whatever its Content-Length says. */
    Method method() {
        return method;
    }

    /** The length of the content to come: none for HEAD, 204 and 304 (§8.1.1), else the Content-Length, if any. */
    long declaredLength(ResponseHead head) throws StreamException {
        int code = head.status().code();
        if (method.equals(Method.HEAD) || code == 204 || code == 304) {
            return 0;
        }
        try {
            return ContentLength.of(head.headers());
        } catch (MalformedMessageException e) {
            throw new StreamException(ErrorCode.PROTOCOL_ERROR, id(), e.getMessage());
        }
    }

    @Override
    protected IOException resetException(ErrorCode code, boolean byPeer) {
        if (failure != null) {
            return failure;
        }
        if (connectionEndReason != null) {
            return new Http2StreamEndedException(connectionEndReason, refusedUnprocessed);
        }
        if (byPeer) {
            return new Http2StreamEndedException("the server reset HTTP/2 stream " + id() + ": " + code,
                    refusedUnprocessed);
        }
        return new Http2StreamEndedException("HTTP/2 stream " + id() + " was reset: " + code, false);
    }

    @Override
    protected IOException readTimeoutException() {
        return new Http2ReadTimeoutException();
    }

    @Override
    protected void resetOrEnded() {
        lock.lock();
        try {
            headArrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Takes a response head, on the reading thread; returns whether it is the final one. */
    void receiveHead(ResponseHead head, boolean isFinal) {
        lock.lock();
        try {
            heads.add(head);
            finalHeadReceived |= isFinal;
            headArrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Whether the final response head came: a header block after it holds trailers. */
    boolean hasFinalHead() {
        lock.lock();
        try {
            return finalHeadReceived;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until a response head is there, for at most {@code timeoutNanos}, and takes it if {@code take}.
     *
     * @return the head (or null when only waiting)
     * @throws IOException if the stream was reset or its connection ended first, or the time passed
     */
    ResponseHead awaitHead(long timeoutNanos, boolean take) throws IOException {
        lock.lock();
        try {
            long nanos = timeoutNanos;
            while (heads.isEmpty()) {
                if (isReset()) {
                    throw resetException(resetCode(), isResetByPeer());
                }
                if (nanos <= 0) {
                    throw readTimeoutException();
                }
                try {
                    nanos = headArrived.awaitNanos(nanos);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting for the response");
                }
            }
            return take ? heads.poll() : null;
        } finally {
            lock.unlock();
        }
    }

    /** Notes why the stream fails on our side, before it is reset: the call gets this, not the reset. */
    void failed(IOException cause) {
        if (failure == null) {
            failure = cause;
        }
    }

    /** Marks the request as not processed by the server, before the stream is reset or its connection ends. */
    void refusedUnprocessed() {
        refusedUnprocessed = true;
    }

    boolean wasRefusedUnprocessed() {
        return refusedUnprocessed;
    }

    /**
     * Fails the stream because its connection ended, for the reason given.
     *
     * @param byServer whether the server ended it (its close, or a connection error of its own), not this side
     */
    void connectionEnded(String reason, boolean byServer) {
        connectionEndReason = reason;
        cutByServer = connectionEnded() && byServer;
    }

    /**
     * Whether the stream may yet turn out to have been cut off by the server's end of the connection: it is live, or
     * its connection ended under it. Not once this side reset it, nor when the server left it out of its GOAWAY.
     */
    boolean mayBeCutByConnectionEnd() {
        return !refusedUnprocessed && (!isReset() || connectionEndReason != null);
    }

    /**
     * Whether the final response head came and then the server cut the stream off: it reset the stream, or ended the
     * connection under it while the stream was live; what came is its answer, read up to the cut.
     */
    boolean wasAnsweredThenCutOff() {
        return hasFinalHead() && (isResetByPeer() || cutByServer && !refusedUnprocessed);
    }
}
