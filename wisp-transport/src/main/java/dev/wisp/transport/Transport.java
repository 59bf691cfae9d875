package dev.wisp.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.Optional;
import javax.net.ssl.SSLSession;

/**
 * One connection's bytes over a {@link StreamSocket}: a blocking input and output stream, the deadlines that bound
 * them, and half-close. The plaintext and the TLS variant behave the same to the code above; a codec reading
 * {@link #input()} through a {@code WireInput} cannot tell them apart.
 *
 * <p><b>Deadlines.</b> Reads and writes block without a socket timeout. The connection sets a deadline before it
 * reads ({@link #readDeadline(long)} or {@link #perReadTimeout(long)}); writes carry their own, renewed for every
 * slice of the write timeout. A {@link TimeoutSweeper} compares the deadlines with the clock and ends a
 * late read with {@link #shutdownInput()}, a late write with {@link #close()}. No timer is armed per read, and an
 * idle connection holds no timer object.
 *
 * <p><b>The idle wait.</b> A one-byte read of {@link #input()} when nothing is buffered waits holding no pooled
 * buffer, in either variant: a waiting connection's cost is its objects and, under TLS, the engine's session.
 *
 * <p><b>Threads.</b> One thread reads and one thread writes at a time; reading and writing may overlap (a
 * WebSocket or HTTP/2 connection reads on one thread while handlers write on others, under their own lock).
 * {@link #shutdownInput()}, {@link #close()} and the deadline getters may be called from any thread.
 */
public abstract sealed class Transport implements AutoCloseable permits PlainTransport, TlsTransport {
    private static final VarHandle WATCH;

    static {
        try {
            WATCH = MethodHandles.lookup().findVarHandle(Transport.class, "watch", InputWatcher.Watch.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final StreamSocket socket;
    /** The socket as a channel to select on, or null when it is not one. */
    private final SocketChannel channel;
    /** The {@link InputWatcher}'s wait this transport is in, or null; ended by whoever clears it first. */
    @SuppressWarnings("unused") // accessed through WATCH
    private volatile InputWatcher.Watch watch;
    private final InetSocketAddress remoteAddress;
    private volatile boolean outputShut;
    /** The socket's own bytes, with the read deadline; under TLS, the records. */
    final ChannelInput socketInput;
    /** The socket's own bytes, with the write deadline; under TLS, the records. */
    final ChannelOutput socketOutput;

    Transport(StreamSocket socket, long writeTimeoutNanos) throws IOException {
        this.socket = socket;
        this.channel = socket.channel().orElse(null);
        // The socket forgets its peer when it closes; log lines and callbacks still want it then.
        this.remoteAddress = socket.remoteAddress();
        this.socketInput = new ChannelInput(socket);
        this.socketOutput = new ChannelOutput(socket, writeTimeoutNanos);
    }

    /** The bytes from the peer, decrypted under TLS; -1 at the end of the stream. */
    public abstract InputStream input();

    /** The bytes to the peer, encrypted under TLS; every write goes out before it returns. */
    public abstract OutputStream output();

    /**
     * Completes the TLS handshake, bounded by the read deadline set before; nothing for plaintext. Idempotent.
     *
     * @throws javax.net.ssl.SSLException if the handshake fails
     * @throws java.io.EOFException if the peer closes first, or the deadline passes
     */
    public abstract void handshake() throws IOException;

    /** The TLS session once {@link #handshake()} has completed; empty for plaintext. */
    public abstract Optional<SSLSession> tlsSession();

    /** The protocol ALPN selected in the handshake, or empty (plaintext, no ALPN, or no agreement). */
    public abstract Optional<String> applicationProtocol();

    /** Whether a read found the end of the stream: the peer closed its side, or the input was shut. */
    public abstract boolean hasInputEnded();

    /**
     * Looks, without blocking, at what has arrived on a connection nobody is reading, such as an idle keep-alive
     * connection before its reuse. Plaintext: one byte is read ahead if one has arrived, and kept for the next
     * read. TLS: the records that have arrived whole are unwrapped, so post-handshake messages (TLS 1.3 session
     * tickets, key updates) are consumed and answered, and a close_notify is noticed; application bytes stay
     * for the next read. When nothing is left, no record buffer is held afterwards; a record that has arrived
     * only in part stays buffered until the rest comes. Call it on the reading thread, between reads.
     *
     * @throws IOException if the socket fails, or a record does not decrypt
     */
    public abstract IdleInput pollInput() throws IOException;

    /**
     * Whether it is known, without a system call, that nothing has arrived on an idle connection since its last read:
     * then {@link #pollInput()} would find it {@link IdleInput#EMPTY}. False when only a look can tell (the usual
     * case); see {@link StreamSocket#knowsNothingArrived()}.
     */
    public boolean knowsNothingArrived() {
        return false;
    }

    /**
     * For a thread about to wait for an answer the peer has yet to make (a client's response to the request it has
     * just sent): on a carrier loop, its read waits for the socket to be readable rather than go last (see
     * {@link LoopSocket}); elsewhere nothing changes.
     */
    public void nextReadAwaitsAnswer() {
        if (socket instanceof LoopSocket onLoop) {
            onLoop.nextReadAwaitsReadiness();
        }
    }

    /** The socket under the transport. */
    final StreamSocket socket() {
        return socket;
    }

    /**
     * Reads and drops, without blocking, what has arrived: for a lingering close that waits for the peer's end of
     * the stream through the {@link InputWatcher} rather than on a thread of its own. Under TLS, the records that
     * have arrived whole are unwrapped and their application bytes dropped; a record that has arrived only in part
     * stays buffered until the rest comes. Call it on the reading thread, between reads.
     *
     * @param maxBytes the most to drop in this call (a little more may go, a read's worth); the caller calls again
     * @return the bytes dropped, or -1 once the input has ended (the peer's end, a close_notify, a shut input)
     * @throws IOException if the socket fails, or a record does not decrypt
     */
    public abstract long discardArrived(long maxBytes) throws IOException;

    /**
     * Whether input has been read from the socket and not yet consumed: a byte {@link #pollInput()} read ahead, a
     * TLS record or part of one. Waiting for the socket to become readable would then wait for bytes that are
     * here already. Call it on the reading thread.
     */
    public abstract boolean hasBufferedInput();

    /**
     * Waits at most this long for input: true if some is buffered, or arrives in time (or the input ends), false
     * if the time passes first. Unlike the streams' reads, this arms a timer: it is for a connection that keeps
     * its thread for a short wait and gives it up for a longer one. Call it on the reading thread.
     */
    public final boolean awaitInput(long nanos) throws IOException {
        return hasBufferedInput() || socketInput.awaitByte(nanos);
    }

    /** How many bytes of {@link #output()} went to the socket so far (counted before encryption). */
    public abstract long bytesWritten();

    /**
     * How many bytes the socket's blocking reads have returned so far (under TLS, of records, before decryption): for
     * another thread, a recent count, to tell how fast the peer sends.
     */
    public final long bytesRead() {
        return socketInput.bytesRead();
    }

    /**
     * A count that grows whenever a read of the socket returns or bytes are written: another thread that finds it
     * unchanged across a while, with a read or write waiting, knows the connection made no progress meanwhile.
     */
    public final long progress() {
        return socketInput.reads() + bytesWritten();
    }

    /**
     * Ends writing after what was written: the peer reads the end of the stream (under TLS, after a close_notify
     * alert). The input stays usable, for a lingering close.
     */
    public abstract void shutdownOutput() throws IOException;

    /**
     * Gives back the record buffers the transport still holds (bytes read and never consumed); nothing for
     * plaintext. Called by the reading thread once the connection has closed.
     */
    public abstract void releaseBuffers();

    /**
     * Bounds a record that begins while the connection waits idle, under TLS: see
     * {@code TlsTransport.recordTimeout}. Nothing for plaintext, which has no records.
     */
    public void recordTimeout(long nanos) {
    }

    /**
     * Whether, from now on, a read of the socket fails with {@link LoadShedException} while the heap is nearly full
     * ({@link HeapPressure}): for a server, whose clients' bytes, once taken in, need memory it has not got.
     */
    public final void shedUnderHeapPressure(boolean shed) {
        socketInput.shedUnderHeapPressure(shed);
    }

    /** Every read until the next call must finish by this absolute {@link System#nanoTime()} deadline. */
    public final void readDeadline(long nanos) {
        socketInput.deadline(nanos);
    }

    /** Each read, from now on, may block for at most this long. */
    public final void perReadTimeout(long nanos) {
        socketInput.perReadTimeout(nanos);
    }

    /** The deadline of the read in progress, or 0 if no read is waiting under one. */
    public final long readDeadlineNanos() {
        return socketInput.deadlineNanos();
    }

    /** The deadline of the write in progress, or 0 if none is. */
    public final long writeDeadlineNanos() {
        return socketOutput.deadlineNanos();
    }

    /** Whether a virtual thread is blocked in a read of the socket now. */
    public final boolean isReadBlocked() {
        return socket.isReadBlocked();
    }

    /** Whether a virtual thread is blocked in a write to the socket now. */
    public final boolean isWriteBlocked() {
        return socket.isWriteBlocked();
    }

    /**
     * Whether the kernel holds bytes for the socket that no read has taken (under TLS, records); false if it cannot
     * tell. A read blocked while it does has not been scheduled since they came. Never throws.
     */
    public final boolean holdsUnreadBytes() {
        return socket.holdsUnreadBytes();
    }

    /** Ends reading: a blocked read returns the end of the stream. The output stays usable. */
    public final void shutdownInput() throws IOException {
        socket.shutdownInput();
    }

    /** Whether the socket is still open. */
    public final boolean isOpen() {
        return socket.isOpen();
    }

    /**
     * Closes the socket at once; a blocked read or write on it ends with an exception. Idempotent. Sends no
     * close_notify: a thread blocked writing may hold the record lock; {@link #shutdownOutput()} is the graceful
     * way. The socket's output is shut first, unless it was: the JDK closes a channel in blocking mode only once the
     * virtual threads blocked on it have returned, so without that a peer would not learn of the close while such a
     * thread waits for a carrier, and never if the JDK lost the thread under a full heap.
     */
    @Override
    public final void close() throws IOException {
        if (!outputShut && socket.isOpen()) {
            try {
                shutdownSocketOutput();
            } catch (IOException | RuntimeException e) {
                // not connected, reset, or closed meanwhile: the close is what counts
            }
        }
        socket.close();
        InputWatcher.Watch waiting = watch;
        if (waiting != null) {
            waiting.end();
        }
    }

    /**
     * Ends the input watcher's wait this transport is in, if any, as though input had arrived: for the thread that
     * enforces the read deadline, after it shut the input. The selection would see the shut input too; this also
     * ends a wait that the watcher could not register.
     *
     * @throws OutOfMemoryError if memory is short; call again later
     */
    public final void expireWatch() {
        InputWatcher.Watch waiting = watch;
        if (waiting != null) {
            waiting.expire();
        }
        if (socket instanceof LoopSocket loopSocket) {
            loopSocket.endWatch();
        }
    }

    /** Whether the input watcher, or the socket's carrier loop, holds this transport's wait. */
    public final boolean isWatched() {
        return watch != null || socket instanceof LoopSocket loopSocket && loopSocket.isWatched();
    }

    /**
     * The {@link System#nanoTime()} for the connection's own thread to time deadlines and idle waits by, as cheap as
     * the socket can make it: on a carrier loop, the time the loop's turn began, read once for all the threads the
     * turn runs, and so behind by as long as the turn has run (microseconds; longer while a handler computes on the
     * loop): for timeouts, not for measuring.
     */
    public final long clockNanos() {
        return socket.clockNanos();
    }

    /** Whether the socket waits in a {@link CarrierLoop}, whose threads run on that loop. */
    public final boolean isOnCarrierLoop() {
        return socket instanceof LoopSocket;
    }

    /**
     * Waits for input without a thread, in the socket's {@link CarrierLoop}: the task runs on a fresh virtual thread
     * of the loop once input comes, the input is shut or the transport closes, as {@link InputWatcher#watch} runs
     * it for other sockets. The caller's thread must not use the transport after true.
     *
     * @return false if the socket is on no carrier loop, or input is here already: the caller reads
     */
    public final boolean watchOnCarrierLoop(Runnable task) {
        return socket instanceof LoopSocket loopSocket && !hasBufferedInput() && loopSocket.watch(task);
    }

    /** Records the watcher's wait this transport is in; no thread blocks on the socket while it lasts. */
    final void watched(InputWatcher.Watch waiting) {
        watch = waiting;
        if (socket instanceof ChannelSocket channelSocket) {
            channelSocket.unlistIfIdle();
        }
    }

    /** Whether this is the watcher's wait the transport is in. */
    final boolean isWatchedBy(InputWatcher.Watch waiting) {
        return watch == waiting;
    }

    /** Ends the watcher's wait: true for the one caller that clears it. */
    final boolean unwatched(InputWatcher.Watch waiting) {
        return WATCH.compareAndSet(this, waiting, null);
    }

    /**
     * Makes the socket's channel non-blocking for the {@link InputWatcher}'s selection, on the reading thread; false
     * if it cannot be made so without waiting for a write under way on another thread (see
     * {@link ChannelSocket#nonBlockingUnlessWriting()}), or the socket is no channel.
     */
    final boolean nonBlockingUnlessWriting() throws IOException {
        if (socket instanceof ChannelSocket channelSocket) {
            return channelSocket.nonBlockingUnlessWriting();
        }
        return false; // a socket the JDK did not open cannot be selected
    }

    /** The socket's channel, for the {@link InputWatcher} to select on; null if it is not a channel. */
    final SocketChannel channel() {
        return channel;
    }

    /** Whether the socket's output was shut. */
    final boolean isOutputShut() {
        return outputShut;
    }

    /**
     * Shuts the socket's output at once: the peer reads the end of the stream, without TLS's close_notify, which a
     * write under way would hold up.
     */
    final void shutdownSocketOutput() throws IOException {
        socket.shutdownOutput();
        outputShut = true;
    }

    /**
     * The peer's address, kept from the start so it can be read after close; for a Unix domain socket, its path (or
     * {@code @name} for an abstract one) as an unresolved host name with port 0.
     */
    public final InetSocketAddress remoteAddress() {
        return remoteAddress;
    }

    /** Our address, or empty once closed (and for a Unix domain socket). */
    public final Optional<InetSocketAddress> localAddress() {
        return socket.localAddress();
    }
}
