package dev.wisp.server.internal;

import dev.wisp.core.Headers;
import dev.wisp.http2.ErrorCode;
import dev.wisp.http2.FlowWindow;
import dev.wisp.http2.ReceiveWindow;
import dev.wisp.http2.StreamException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One stream of an HTTP/2 server connection (RFC 9113 §5.1): a request arriving and its response going out. The
 * connection's reading thread hands it the request's DATA and trailers; the handler's thread reads them through
 * {@link Http2RequestBody} and answers through {@link Http2ServerResponse}. The DATA it holds unread is bounded by
 * its receive window, which comes back to the client as the handler reads.
 *
 * <p>Thread-safe: the inbound side under its own lock, the send window under the {@link Http2Output}'s lock.
 */
final class Http2ServerStream {
    private final int id;
    private final long declaredLength;
    final ReceiveWindow receiveWindow;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
    /** Where the first chunk's unread bytes begin. */
    private int firstOffset;
    private int bufferedBytes;
    private long receivedBytes;
    private boolean remoteEnded;
    private Headers trailers = Headers.empty();
    private volatile ErrorCode resetCode;
    private volatile boolean resetByPeer;
    private volatile boolean localEnded;
    /** Until when a stream whose response is complete waits for the rest of its request; 0 if it does not. */
    private volatile long lingerUntilNanos;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** The send window; guarded by the {@link Http2Output}'s lock. */
    final FlowWindow sendWindow;

    /**
     * @param declaredLength the request's Content-Length, or -1
     * @param receiveWindowSize our SETTINGS_INITIAL_WINDOW_SIZE
     * @param sendWindowSize the peer's
     */
    Http2ServerStream(int id, long declaredLength, int receiveWindowSize, int sendWindowSize, boolean remoteEnded) {
        this.id = id;
        this.declaredLength = declaredLength;
        this.receiveWindow = new ReceiveWindow(id, receiveWindowSize);
        this.sendWindow = new FlowWindow(id, sendWindowSize);
        this.remoteEnded = remoteEnded;
    }

    int id() {
        return id;
    }

    long declaredLength() {
        return declaredLength;
    }

    /**
     * Takes a DATA frame's content, on the reading thread. The flow-control windows were charged before.
     *
     * @return whether the content was kept for the handler; if not (the stream lingers or was reset), the caller
     *     gives its credit back at once
     * @throws StreamException PROTOCOL_ERROR if the content runs past or ends short of the declared Content-Length
     *     (§8.1.1)
     */
    boolean receive(byte[] data, boolean endStream) throws StreamException {
        lock.lock();
        try {
            receivedBytes += data.length;
            if (declaredLength >= 0 && (receivedBytes > declaredLength || endStream && receivedBytes != declaredLength)) {
                throw new StreamException(ErrorCode.PROTOCOL_ERROR, id, "DATA of " + receivedBytes
                        + " bytes on stream " + id + " where Content-Length said " + declaredLength);
            }
            remoteEnded |= endStream;
            arrived.signalAll();
            if (resetCode != null || lingerUntilNanos != 0) {
                return false;
            }
            if (data.length > 0) {
                chunks.add(data);
                bufferedBytes += data.length;
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Takes the trailers that end the request, on the reading thread. */
    void receiveTrailers(Headers received) throws StreamException {
        lock.lock();
        try {
            if (declaredLength >= 0 && receivedBytes != declaredLength) {
                throw new StreamException(ErrorCode.PROTOCOL_ERROR, id, "DATA of " + receivedBytes
                        + " bytes on stream " + id + " where Content-Length said " + declaredLength);
            }
            trailers = received;
            remoteEnded = true;
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Whether the client's side is done: its END_STREAM came, or the stream was reset. */
    boolean isRemoteEnded() {
        lock.lock();
        try {
            return remoteEnded || resetCode != null;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Reads request content into {@code destination}, waiting up to {@code timeoutNanos} for it.
     *
     * @return the bytes read, or -1 at the end of the request
     * @throws IOException if the stream was reset or the connection ended, or nothing came in time
     */
    int read(byte[] destination, int offset, int length, long timeoutNanos) throws IOException {
        lock.lock();
        try {
            long nanos = timeoutNanos;
            while (bufferedBytes == 0) {
                if (resetCode != null) {
                    throw new Http2StreamResetException(id, resetCode, resetByPeer);
                }
                if (remoteEnded) {
                    return -1;
                }
                if (nanos <= 0) {
                    throw new Http2BodyTimeoutException(id);
                }
                try {
                    nanos = arrived.awaitNanos(nanos);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting for request content");
                }
            }
            byte[] first = chunks.peekFirst();
            int n = Math.min(length, first.length - firstOffset);
            System.arraycopy(first, firstOffset, destination, offset, n);
            firstOffset += n;
            if (firstOffset == first.length) {
                chunks.removeFirst();
                firstOffset = 0;
            }
            bufferedBytes -= n;
            return n;
        } finally {
            lock.unlock();
        }
    }

    /** Whether the whole request was read: it ended and nothing is left unread. */
    boolean isRequestFinished() {
        lock.lock();
        try {
            return remoteEnded && bufferedBytes == 0;
        } finally {
            lock.unlock();
        }
    }

    Headers trailers() {
        lock.lock();
        try {
            return trailers;
        } finally {
            lock.unlock();
        }
    }

    /** Drops what is buffered unread, as the exchange ends or the stream is reset; returns how many bytes. */
    int discardBuffered() {
        lock.lock();
        try {
            int dropped = bufferedBytes;
            chunks.clear();
            firstOffset = 0;
            bufferedBytes = 0;
            return dropped;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Marks the stream reset and wakes its reader; the caller holds the output's lock.
     *
     * @return whether this call reset it, a stream that was neither reset nor ended before
     */
    boolean markReset(ErrorCode code, boolean byPeer) {
        if (resetCode != null || (localEnded && isRemoteEnded() && !byPeer)) {
            return false;
        }
        lock.lock();
        try {
            resetByPeer = byPeer;
            resetCode = code;
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
        return true;
    }

    /** Fails the stream because its connection ended: reads and writes throw from now on. */
    void connectionEnded() {
        lock.lock();
        try {
            if (resetCode == null) {
                resetCode = ErrorCode.CANCEL;
            }
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whether the stream is closed as RFC 9113 §5.1 counts it: reset, or ended both ways. A closed stream no longer
     * counts against SETTINGS_MAX_CONCURRENT_STREAMS, though its handler may still be returning.
     */
    boolean isClosed() {
        return resetCode != null || localEnded && isRemoteEnded();
    }

    ErrorCode resetCode() {
        return resetCode;
    }

    boolean isReset() {
        return resetCode != null;
    }

    boolean isResetByPeer() {
        return resetByPeer;
    }

    /**
     * Marks a stream whose handler is done while its request goes on: what still arrives is dropped until the
     * request ends or the deadline passes.
     *
     * @return the bytes that were buffered unread and are dropped now
     */
    int lingerUntil(long deadlineNanos) {
        lock.lock();
        try {
            lingerUntilNanos = deadlineNanos;
            return discardBuffered();
        } finally {
            lock.unlock();
        }
    }

    boolean isLingering() {
        return lingerUntilNanos != 0;
    }

    /** Whether the stream lingers past its deadline; true once, for the caller that will end it. */
    boolean lingerExpired(long nowNanos) {
        long deadline = lingerUntilNanos;
        return deadline != 0 && nowNanos - deadline > 0 && !closed.get();
    }

    /** Marks the stream closed for good; true for the one caller that closed it. */
    boolean close() {
        return closed.compareAndSet(false, true);
    }

    void localEnded() {
        localEnded = true;
    }

    boolean isLocalEnded() {
        return localEnded;
    }
}
