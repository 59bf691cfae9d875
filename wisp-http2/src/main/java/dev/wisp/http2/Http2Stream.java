package dev.wisp.http2;

import dev.wisp.core.SharedBudget;
import dev.wisp.core.Headers;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The state one HTTP/2 stream (RFC 9113 §5.1) has on either side of a connection: the content arriving from the peer,
 * buffered until the application reads it and bounded by the stream's receive window, the trailers that end it, the
 * send window of what goes out ({@link Http2Output} spends it), and whether the stream was ended or reset. A server's
 * stream receives a request and sends a response; a client's the other way round.
 *
 * <p>Thread-safe: the inbound side under the stream's own lock (the connection's reading thread adds, the
 * application's thread reads), the send window under the {@link Http2Output}'s lock.
 */
public abstract class Http2Stream {
    private final int id;
    private long declaredLength;
    /** What the peer may still send on this stream; the connection charges it and gives credit back as it is read. */
    public final ReceiveWindow receiveWindow;
    /** The send window; guarded by the {@link Http2Output}'s lock. */
    final FlowWindow sendWindow;
    /**
     * Since when a write has waited for a send window without a full slice of output sent since, or 0: written under
     * the {@link Http2Output}'s lock, read anywhere ({@link #windowWaitingSinceNanos}).
     */
    volatile long windowWaitingSinceNanos;
    /** What went out since {@link #windowWaitingSinceNanos} was set; under the output's lock. */
    int sentSinceWindowWait;
    /** The content framed as DATA for the peer so far; under the output's lock. */
    long dataSent;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
    /** Where the first chunk's unread bytes begin. */
    private int firstOffset;
    private int bufferedBytes;
    private long receivedBytes;
    private boolean remoteEnded;
    /** Content that still arrives is dropped: nobody will read it. */
    private boolean discarding;
    /** Whether a {@link #read} waits for content now. */
    private boolean readWaiting;
    /** Whether reads that wait for content fail as at their timeout from now on ({@link #endWaitingRead}). */
    private boolean waitingReadsEnded;
    private Headers trailers = Headers.empty();
    private volatile ErrorCode resetCode;
    private volatile boolean resetByPeer;
    private volatile boolean localEnded;
    /** The connection's credit for this stream's content goes back as it arrives; see {@link ReceiveFlow}. */
    private volatile boolean connectionCreditedOnArrival;
    /** What runs once content, the end of the message or a reset is here ({@link #runWhenReadable}), or null. */
    private Runnable whenReadable;
    /** The account the content kept is charged to, or null for none; set before any content arrives. */
    private SharedBudget.Ledger ledger;

    /**
     * @param declaredLength the Content-Length of the message arriving, or -1
     * @param receiveWindowSize our SETTINGS_INITIAL_WINDOW_SIZE
     * @param sendWindowSize the peer's
     * @param remoteEnded whether the peer's side ended with its header block (END_STREAM on HEADERS)
     */
    protected Http2Stream(int id, long declaredLength, int receiveWindowSize, int sendWindowSize,
            boolean remoteEnded) {
        this.id = id;
        this.declaredLength = declaredLength;
        this.receiveWindow = new ReceiveWindow(id, receiveWindowSize);
        this.sendWindow = new FlowWindow(id, sendWindowSize);
        this.remoteEnded = remoteEnded;
    }

    /** What a read or write of a reset stream throws: reset by the peer, or by this side. */
    protected abstract IOException resetException(ErrorCode code, boolean byPeer);

    /** What a read throws that waited longer than its timeout for content. */
    protected abstract IOException readTimeoutException();

    public final int id() {
        return id;
    }

    /**
     * The content sent so far in DATA frames (padding aside): what went into the connection's output, so not what a
     * reset kept from being sent. For the writing thread, or after it.
     */
    public final long dataSent() {
        return dataSent;
    }

    /** The Content-Length of the message arriving, or -1. */
    public final long declaredLength() {
        lock.lock();
        try {
            return declaredLength;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sets the length of the content arriving, once a client learns it from the response head: its Content-Length,
     * or 0 for a response that has no content whatever its Content-Length says (§8.1.1).
     */
    public final void declareLength(long length) {
        lock.lock();
        try {
            declaredLength = length;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Charges the content this stream keeps unread to a connection's part of a {@link SharedBudget}; on the reading
     * thread, before any content arrives.
     */
    public final void chargeTo(SharedBudget.Ledger account) {
        lock.lock();
        try {
            ledger = account;
        } finally {
            lock.unlock();
        }
    }

    /** Called when the stream is reset or its connection ends, after its reader was woken; for a subclass's waits. */
    protected void resetOrEnded() {
    }

    /**
     * Takes a DATA frame's content, on the reading thread. The flow-control windows were charged before.
     *
     * @return whether the content was kept for the reader; if not (nobody will read it, or the stream was reset),
     *     the caller gives its credit back at once
     * @throws StreamException PROTOCOL_ERROR if the content runs past or ends short of the declared Content-Length
     *     (§8.1.1); ENHANCE_YOUR_CALM if the budget the stream is charged to cannot take it
     */
    public final boolean receive(byte[] data, boolean endStream) throws StreamException {
        Runnable ready = null;
        lock.lock();
        try {
            receivedBytes += data.length;
            if (declaredLength >= 0
                    && (receivedBytes > declaredLength || endStream && receivedBytes != declaredLength)) {
                throw lengthMismatch();
            }
            boolean kept = resetCode == null && !discarding;
            if (kept && data.length > 0 && ledger != null && !ledger.take(data.length)) {
                throw new StreamException(ErrorCode.ENHANCE_YOUR_CALM, id, "stream " + id + " sent content past"
                        + " the budget for content held unread (all connections' together)");
            }
            remoteEnded |= endStream;
            if (kept && data.length > 0) {
                chunks.add(data);
                bufferedBytes += data.length;
            }
            ready = wakeReader();
            return kept;
        } finally {
            lock.unlock();
            runIfAny(ready);
        }
    }

    /** Takes the trailers that end the message arriving, on the reading thread. */
    public final void receiveTrailers(Headers received) throws StreamException {
        Runnable ready = null;
        lock.lock();
        try {
            if (declaredLength >= 0 && receivedBytes != declaredLength) {
                throw lengthMismatch();
            }
            trailers = received;
            remoteEnded = true;
            ready = wakeReader();
        } finally {
            lock.unlock();
            runIfAny(ready);
        }
    }

    private StreamException lengthMismatch() {
        return new StreamException(ErrorCode.PROTOCOL_ERROR, id, "DATA of " + receivedBytes + " bytes on stream " + id
                + " where Content-Length said " + declaredLength);
    }

    /** Whether the peer's side is done: its END_STREAM came, or the stream was reset. */
    public final boolean isRemoteEnded() {
        lock.lock();
        try {
            return remoteEnded || resetCode != null;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Reads content into {@code destination}, waiting up to {@code timeoutNanos} for it.
     *
     * @return the bytes read, or -1 at the end of the message
     * @throws IOException if the stream was reset or the connection ended, or nothing came in time
     */
    public final int read(byte[] destination, int offset, int length, long timeoutNanos) throws IOException {
        lock.lock();
        try {
            long nanos = timeoutNanos;
            while (bufferedBytes == 0) {
                if (remoteEnded) {
                    return -1; // the whole message came: a reset after it takes nothing away (§8.1)
                }
                if (resetCode != null) {
                    throw resetException(resetCode, resetByPeer);
                }
                if (nanos <= 0 || waitingReadsEnded) {
                    throw readTimeoutException();
                }
                readWaiting = true;
                try {
                    nanos = arrived.awaitNanos(nanos);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting for HTTP/2 content");
                } finally {
                    readWaiting = false;
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
            if (ledger != null) {
                ledger.giveBack(n);
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The content that has arrived on the stream, if a read waits for more now: with the time the content began, how
     * fast it comes, for a server that ends the slowest when it runs out of room.
     *
     * @return the bytes received, or -1 if no read waits
     */
    public final long receivedWhileReadWaits() {
        lock.lock();
        try {
            return readWaiting ? receivedBytes : -1;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Ends the read that waits for content, and any that would, as if their timeout had passed: the content comes too
     * slowly. Content that arrives is still read.
     */
    public final void endWaitingRead() {
        lock.lock();
        try {
            waitingReadsEnded = true;
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Since when a write on this stream has waited for the peer's flow-control credit (this stream's window or the
     * connection's) without 64 KiB of it going out since ({@link System#nanoTime()}), or 0 while no write waits so: for
     * a server that ends such slow reads when it runs out of room.
     */
    public final long windowWaitingSinceNanos() {
        return windowWaitingSinceNanos;
    }

    /**
     * Waits at most this long for content to read, the end of the message or a reset: true if one is here, false
     * if the time passed first.
     */
    public final boolean awaitContent(long nanos) throws InterruptedIOException {
        lock.lock();
        try {
            long left = nanos;
            while (bufferedBytes == 0 && !remoteEnded && resetCode == null) {
                if (left <= 0) {
                    return false;
                }
                left = arrived.awaitNanos(left);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for HTTP/2 content");
        } finally {
            lock.unlock();
        }
    }

    /**
     * Leaves the wait for content, the end of the message or a reset to a task instead of a thread, for a stream
     * that carries a long-lived tunnel: the task runs once, on the thread that brings one of them (the connection's
     * reading thread, or whichever resets the stream or ends the connection), so it must start a thread of its own
     * rather than read there. One task waits at a time.
     *
     * @return true if the task will run; false if content, the end or a reset is here already, to read at once
     */
    public final boolean runWhenReadable(Runnable task) {
        lock.lock();
        try {
            if (bufferedBytes > 0 || remoteEnded || resetCode != null) {
                return false;
            }
            whenReadable = task;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Wakes a thread waiting for content, and takes the task waiting for it, if any; under the lock. */
    private Runnable wakeReader() {
        arrived.signalAll();
        Runnable ready = whenReadable;
        whenReadable = null;
        return ready;
    }

    /** Runs the task {@link #wakeReader()} took, outside the lock. */
    private static void runIfAny(Runnable ready) {
        if (ready != null) {
            ready.run();
        }
    }

    /**
     * From now on the connection's credit for this stream's content goes back as the content arrives, not as it is
     * read, for a stream that carries a long-lived tunnel; see {@link ReceiveFlow}. Call it on the reading thread
     * before any content of the stream arrives.
     */
    public final void creditConnectionOnArrival() {
        connectionCreditedOnArrival = true;
    }

    public final boolean isConnectionCreditedOnArrival() {
        return connectionCreditedOnArrival;
    }

    /** The bytes that can be read now without waiting. */
    public final int available() {
        lock.lock();
        try {
            return bufferedBytes;
        } finally {
            lock.unlock();
        }
    }

    /** Whether the whole message arriving was read: it ended and nothing is left unread. */
    public final boolean isInboundFinished() {
        lock.lock();
        try {
            return remoteEnded && bufferedBytes == 0;
        } finally {
            lock.unlock();
        }
    }

    public final Headers trailers() {
        lock.lock();
        try {
            return trailers;
        } finally {
            lock.unlock();
        }
    }

    /** Drops what is buffered unread; returns how many bytes. */
    public final int discardBuffered() {
        lock.lock();
        try {
            return dropBuffered();
        } finally {
            lock.unlock();
        }
    }

    /** Drops what is buffered unread and what still arrives; returns how many bytes were buffered. */
    protected final int discardFromNowOn() {
        lock.lock();
        try {
            discarding = true;
            return dropBuffered();
        } finally {
            lock.unlock();
        }
    }

    private int dropBuffered() {
        int dropped = bufferedBytes;
        chunks.clear();
        firstOffset = 0;
        bufferedBytes = 0;
        if (ledger != null) {
            ledger.giveBack(dropped);
        }
        return dropped;
    }

    /**
     * Marks the stream reset and wakes its reader; atomic, so that the connection's reading thread marks it without
     * the output's lock.
     *
     * @return whether this call reset it, a stream that was neither reset nor ended before
     */
    final boolean markReset(ErrorCode code, boolean byPeer) {
        Runnable ready;
        lock.lock();
        try {
            if (resetCode != null || (localEnded && isRemoteEnded() && !byPeer)) {
                return false;
            }
            resetByPeer = byPeer;
            resetCode = code;
            ready = wakeReader();
        } finally {
            lock.unlock();
        }
        runIfAny(ready);
        resetOrEnded();
        return true;
    }

    /**
     * Fails the stream because its connection ended: reads and writes throw from now on.
     *
     * @return whether the stream was still live: reset by neither side before
     */
    public final boolean connectionEnded() {
        Runnable ready;
        boolean live;
        lock.lock();
        try {
            live = resetCode == null;
            if (live) {
                resetCode = ErrorCode.CANCEL;
            }
            ready = wakeReader();
        } finally {
            lock.unlock();
        }
        runIfAny(ready);
        resetOrEnded();
        return live;
    }

    /**
     * Whether the stream is closed as RFC 9113 §5.1 counts it: reset, or ended both ways. A closed stream no longer
     * counts against SETTINGS_MAX_CONCURRENT_STREAMS.
     */
    public final boolean isClosed() {
        return resetCode != null || localEnded && isRemoteEnded();
    }

    /** The code the stream was reset with, or null. */
    public final ErrorCode resetCode() {
        return resetCode;
    }

    public final boolean isReset() {
        return resetCode != null;
    }

    public final boolean isResetByPeer() {
        return resetByPeer;
    }

    /** Our side sent END_STREAM; called under the output's lock. */
    final void localEnded() {
        localEnded = true;
    }

    public final boolean isLocalEnded() {
        return localEnded;
    }

    /** Throws if the stream was reset: nothing may be written on it. */
    final void requireNotReset() throws IOException {
        ErrorCode reset = resetCode;
        if (reset != null) {
            throw resetException(reset, resetByPeer);
        }
    }
}
