package dev.wisp.http2;

import dev.wisp.core.WireOutput;
import dev.wisp.http2.hpack.HpackEncoder;
import dev.wisp.http2.hpack.HpackField;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The sending side of an HTTP/2 connection: every frame goes out through here, one writer at a time, from the
 * connection's reading thread (acknowledgements, resets, GOAWAY) and from the streams' own threads (the messages
 * they send: a server's responses, a client's requests). It owns what must change in the order frames go out: the
 * HPACK encoder's table, and the send windows of flow control (RFC 9113 §5.2), the connection's and each stream's.
 * A writer whose data the windows do not admit lets go of the output and waits here until a WINDOW_UPDATE or a
 * SETTINGS change opens them, its stream is reset, or the write timeout passes.
 *
 * <p>The connection's reading thread never waits for a writer that holds the output, which may be blocked on a peer
 * that stopped reading: a WINDOW_UPDATE and a reset change the windows atomically, without the output's lock, and
 * what it must send (acknowledgements, with the change of SETTINGS that takes effect where its acknowledgement goes
 * out, and resets) is left for the holder when it finds the output held.
 *
 * <p>Thread-safe. Longer than most classes, since the lock, the windows and the frames left for the lock's holder are
 * one state, which only this class changes.
 */
public final class Http2Output {
    /**
     * The most DATA written in one hold of the output, in frames of the peer's SETTINGS_MAX_FRAME_SIZE (16 KiB unless
     * it asks for larger, up to 16 MiB): the other writers wait at most this long for a large body, and a body given
     * whole hands the output over once every few frames rather than at each one.
     */
    private static final int HELD_BYTES = 64 * 1024;
    /**
     * The most frames of the connection's own left for the holder of the output: far more than an honest peer makes
     * the connection answer while one write is blocked, bounded against one that floods it.
     */
    private static final int MAX_DEFERRED = 1024;
    /**
     * How long {@link #tryGoAway} waits for the output: a holder's small write of its own takes microseconds, and the
     * caller may hold a lock of the server's (its registry's, evicting or stopping).
     */
    private static final long IDLE_GOAWAY_PATIENCE_NANOS = 2_000_000;
    /** Fair, so that a writer waiting for the output takes it before a large body's next frame. */
    private final ReentrantLock lock = new ReentrantLock(true);
    /**
     * Held for no I/O, only to change {@link #windowChanges} and the streams' windows with the initial one: the
     * writers waiting for a window wait on its condition, and the reading thread wakes them without the output's lock.
     * Taken after the output's lock when both are, never before.
     */
    private final ReentrantLock windowLock = new ReentrantLock();
    /** Signalled when a send window grows, a stream is reset, or the connection ends. */
    private final Condition windowOpened = windowLock.newCondition();
    /** How many such changes came, for a writer to tell whether one came since it looked at the windows. */
    private volatile long windowChanges;
    /**
     * What the connection must send or do that found the output held, left for its holder (see {@link #write}): a
     * {@link Frame}, a header block to encode ({@link OwnHeaders}), or the peer's settings to apply to what goes out
     * and acknowledge ({@link PeerSettings}).
     */
    private final Queue<Object> deferred = new ConcurrentLinkedQueue<>();
    private final AtomicInteger deferredCount = new AtomicInteger();
    private final WireOutput out;
    private final FrameWriter frames;
    private final HpackEncoder encoder = new HpackEncoder(Settings.DEFAULT.headerTableSize() > Integer.MAX_VALUE
            ? Integer.MAX_VALUE : (int) Settings.DEFAULT.headerTableSize());
    private final FlowWindow connectionWindow = new FlowWindow(0, Settings.DEFAULT.initialWindowSize());
    private final long writeTimeoutNanos;
    /**
     * The peer's SETTINGS_INITIAL_WINDOW_SIZE, as last acknowledged: the send window of each new stream; changed under
     * both locks.
     */
    private volatile int initialStreamWindow = Settings.DEFAULT.initialWindowSize();
    /** Why no more frames may go out, once the connection ended; null before. */
    private String ended;
    /** The id of the next stream a client opens (§5.1.1: odd, increasing); past 2^31-1 none can be opened. */
    private long nextStreamId = 1;

    /** Makes a stream of ours for its id and the send window it starts with, and registers it with its connection. */
    @FunctionalInterface
    public interface NewStream<S extends Http2Stream> {
        S create(int id, int initialSendWindow);
    }

    /** A header block of the connection's own, which whoever writes it encodes then. */
    private record OwnHeaders(int streamId, List<HpackField> fields, boolean endStream) {
    }

    /**
     * The peer's settings that change what goes out, applied by the output's holder as it writes their
     * acknowledgement: the new initial window to the streams made after, and its change from the one acknowledged
     * before to every open stream's window.
     */
    private record PeerSettings(int maxFrameSize, long headerTableSize, boolean headerTableChanged,
            int initialWindow, Collection<? extends Http2Stream> streams) {
    }

    public Http2Output(WireOutput out, long writeTimeoutNanos) {
        this.out = out;
        this.frames = new FrameWriter(out);
        this.writeTimeoutNanos = writeTimeoutNanos;
    }

    /**
     * Writes one frame and flushes it, with whatever other streams add meanwhile (see {@link #flushSoon}). A frame
     * of the connection's own (an acknowledgement, a WINDOW_UPDATE, a RST_STREAM) does not wait for another writer
     * that holds the output, which may be blocked on a peer that stopped reading: it is left for that writer to send
     * as it lets go, and the caller (the connection's reading thread, most often) goes on reading frames. Past
     * {@link #MAX_DEFERRED} such frames, the caller waits for the output as every writer does.
     */
    public void write(Frame frame) throws IOException {
        writeOrLeave(frame);
    }

    /**
     * Encodes and writes a header block of the connection's own, for a stream that has no state here: the answer the
     * reading thread gives a request past a limit. Like {@link #write(Frame)}, it does not wait for another writer that
     * holds the output; whoever writes it encodes it then, so that the HPACK table changes in the order blocks go out.
     */
    public void writeHeaders(int streamId, List<HpackField> fields, boolean endStream) throws IOException {
        writeOrLeave(new OwnHeaders(streamId, fields, endStream));
    }

    /** Writes something of the connection's own and flushes it, or leaves it for the holder of the output. */
    private void writeOrLeave(Object item) throws IOException {
        if (!lockOrDefer(item)) {
            return;
        }
        try {
            requireOpen();
            writeDeferred();
            writeItem(item);
        } finally {
            unlock();
        }
        flushSoon();
    }

    /**
     * Takes the output if it is free, else leaves a frame or settings for its holder; past {@link #MAX_DEFERRED} left
     * so, waits for the output as every writer does.
     *
     * @return whether the caller holds the output; false if the item was left for the holder
     */
    private boolean lockOrDefer(Object item) {
        if (lock.tryLock()) {
            return true;
        }
        if (deferredCount.get() >= MAX_DEFERRED) {
            lock.lock();
            return true;
        }
        deferredCount.incrementAndGet();
        deferred.add(item);
        handOff(); // the holder may have let go meanwhile
        return false;
    }

    /** Lets go of the output, then sends the frames left for its holder, if no other writer took it meanwhile. */
    private void unlock() {
        lock.unlock();
        if (!deferred.isEmpty()) {
            handOff();
        }
    }

    /**
     * Sends the frames left for the holder of the output, and flushes them, unless another writer holds it: that one
     * sends them as it lets go. Their caller went on, so a write that fails here is for the connection to find.
     */
    private void handOff() {
        if (!lock.tryLock()) {
            return;
        }
        try {
            writeDeferred();
            if (out.buffered() > 0) {
                frames.flush();
            }
        } catch (IOException e) {
            // the connection is failing; its reading thread or its next writer finds out
        } finally {
            unlock();
        }
    }

    /** Writes the frames left for the holder of the output, the lock held; none once the connection ended. */
    private void writeDeferred() throws IOException {
        for (Object item; (item = deferred.poll()) != null; ) {
            deferredCount.decrementAndGet();
            if (ended == null) {
                writeItem(item);
            }
        }
    }

    /** Writes a frame, a header block or a settings acknowledgement of the connection's own; the lock held. */
    private void writeItem(Object item) throws IOException {
        switch (item) {
            case Frame frame -> frames.write(frame);
            case OwnHeaders headers -> frames.write(new HeadersFrame(headers.streamId(),
                    encoder.encode(headers.fields()), headers.endStream()));
            case PeerSettings settings -> applyAndAcknowledge(settings);
            default -> throw new IllegalStateException("left for the holder: " + item);
        }
    }

    /**
     * Sends what waits in the output buffer, as a writer with nothing more to add asks: a response's head, which
     * waits there for its first DATA, goes out alone (an event stream's, whose first event may be minutes away).
     */
    public void flush() throws IOException {
        flushSoon();
    }

    /**
     * Flushes what this thread wrote, after letting the other threads ready to run on its carrier go first: the
     * handlers of other streams that finish at the same time then add their frames to the same write, which leaves
     * in one system call (and, over TLS, in records filled together) rather than one each. Alone, the thread goes
     * on at once. Whoever finds the buffer empty has nothing to do: another thread flushed it.
     */
    private void flushSoon() throws IOException {
        Thread.yield();
        lock.lock();
        try {
            if (out.buffered() > 0) {
                frames.flush();
            }
        } finally {
            unlock();
        }
    }

    /**
     * Writes our connection preface (§3.4): a client's 24 fixed bytes first, then our SETTINGS and a WINDOW_UPDATE
     * that widens the connection's window.
     */
    public void writePreface(boolean client, SettingsFrame settings, WindowUpdateFrame windowUpdate)
            throws IOException {
        lock.lock();
        try {
            if (client) {
                frames.writePreface();
            }
            frames.write(settings);
            frames.write(windowUpdate);
            frames.flush();
        } finally {
            unlock();
        }
    }

    /**
     * Makes a stream the peer opened, with the send window it starts with, and registers it with its connection,
     * without the output: a SETTINGS change of the initial window then either finds the stream registered and shifts
     * its window, or comes before and gives it the new initial window, never neither.
     */
    public <S extends Http2Stream> S acceptStream(int id, NewStream<S> newStream) {
        windowLock.lock();
        try {
            return newStream.create(id, initialStreamWindow);
        } finally {
            windowLock.unlock();
        }
    }

    /**
     * Opens a client's stream and writes its request head, in one step under the lock: new stream ids must go out in
     * increasing order (§5.1.1), and the HPACK encoder's table changes in the order header blocks go out. The stream
     * is registered before its HEADERS leave, so that no frame of the answer can come before it.
     *
     * @return the stream, or null if the connection has no stream id left (the caller opens another connection)
     * @throws IOException if the connection ended
     */
    public <S extends Http2Stream> S openStream(NewStream<S> newStream, List<HpackField> fields, boolean endStream)
            throws IOException {
        S stream;
        lock.lock();
        try {
            requireOpen();
            if (nextStreamId > Integer.MAX_VALUE) {
                return null;
            }
            windowLock.lock(); // a SETTINGS change shifts the windows of the streams made so far, this one included
            try {
                stream = newStream.create((int) nextStreamId, initialStreamWindow);
            } finally {
                windowLock.unlock();
            }
            nextStreamId += 2;
            frames.write(new HeadersFrame(stream.id(), encoder.encode(fields), endStream));
            if (endStream) {
                stream.localEnded();
            }
        } finally {
            unlock();
        }
        flushSoon();
        return stream;
    }

    /**
     * Encodes and writes a header block (a response head, an interim response or trailers).
     *
     * @param flush false when DATA follows at once, so the two go out in one write
     */
    public void writeHeaders(Http2Stream stream, List<HpackField> fields, boolean endStream, boolean flush)
            throws IOException {
        lock.lock();
        try {
            requireWritable(stream);
            frames.write(new HeadersFrame(stream.id(), encoder.encode(fields), endStream));
            if (endStream) {
                stream.localEnded();
            }
        } finally {
            unlock();
        }
        if (flush) {
            flushSoon();
        }
    }

    /**
     * Writes data as DATA frames as the send windows and the peer's SETTINGS_MAX_FRAME_SIZE admit, waiting for the
     * windows to open, and flushes. The output is taken for {@link #HELD_BYTES} at a time, and a writer waiting for
     * it goes first (the lock is fair): another stream's message and the connection's acknowledgements go out between
     * the frames of a large body rather than after it. Alone, the writer takes it again at once, and its frames collect
     * in the buffer as before, no write of their own.
     *
     * @throws SocketTimeoutException if the windows stayed shut for the write timeout
     * @throws IOException if the stream was reset or the connection ended
     */
    public void writeData(Http2Stream stream, byte[] data, int offset, int length, boolean endStream)
            throws IOException {
        try {
            do {
                lock.lock();
                try {
                    int held = 0;
                    do {
                        int allowed = awaitWindow(stream, Math.min(length, HELD_BYTES - held));
                        boolean last = endStream && allowed == length;
                        frames.writeData(stream.id(), data, offset, allowed, last);
                        take(stream.sendWindow, allowed);
                        take(connectionWindow, allowed);
                        stream.dataSent += allowed;
                        sentAfterWait(stream, allowed);
                        offset += allowed;
                        length -= allowed;
                        held += allowed;
                        if (last) {
                            stream.localEnded();
                        }
                    } while (length > 0 && held < HELD_BYTES);
                } finally {
                    unlock();
                }
            } while (length > 0);
        } finally {
            if (stream.windowWaitingSinceNanos != 0) {
                stream.windowWaitingSinceNanos = 0; // the write is over: what the handler does next is its own time
            }
        }
        flushSoon();
    }

    /** Counts what went out after a wait for a window; a whole slice of it ends the wait as far as slowness goes. */
    private static void sentAfterWait(Http2Stream stream, int sent) {
        if (stream.windowWaitingSinceNanos != 0 && (stream.sentSinceWindowWait += sent) >= HELD_BYTES) {
            stream.windowWaitingSinceNanos = 0;
        }
    }

    /**
     * Waits until the windows admit some of {@code wanted} bytes; returns how many, at most a frame's worth, and 0 at
     * once for none (an empty DATA frame, END_STREAM alone, takes no window). Called holding the output, it lets go of
     * it while it waits (the frames left for the holder go out then, and the other writers go on), and holds it again
     * when it returns.
     *
     * @throws IOException if the stream was reset or the connection ended
     */
    private int awaitWindow(Http2Stream stream, int wanted) throws IOException {
        long nanos = writeTimeoutNanos;
        while (true) {
            long seen = windowChanges; // first: a change after this wakes the wait below
            // Then the reset and the end, which wake the writers as a window change does: one signalled before the
            // count above is seen here, where a check before the count would miss it and wait out the write timeout.
            requireWritable(stream);
            if (wanted == 0) {
                return 0;
            }
            int allowed = Math.min(Math.min(stream.sendWindow.size(), connectionWindow.size()),
                    Math.min(wanted, frames.maxFrameSize()));
            if (allowed > 0) {
                return allowed;
            }
            if (nanos <= 0) {
                throw new SocketTimeoutException("the peer kept its flow-control window shut for longer than the"
                        + " write timeout");
            }
            if (stream.windowWaitingSinceNanos == 0) {
                stream.sentSinceWindowWait = 0;
                stream.windowWaitingSinceNanos = System.nanoTime() | 1;
            }
            writeDeferred();
            frames.flush(); // what is buffered goes out before this thread waits
            unlock();
            try {
                nanos = awaitWindowChange(seen, nanos);
            } finally {
                lock.lock();
            }
        }
    }

    /** Waits, without the output, until a window may have changed since {@code seen}; returns the time left. */
    private long awaitWindowChange(long seen, long nanos) throws InterruptedIOException {
        windowLock.lock();
        try {
            while (windowChanges == seen && nanos > 0) {
                nanos = windowOpened.awaitNanos(nanos);
            }
            return nanos;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the flow-control window");
        } finally {
            windowLock.unlock();
        }
    }

    /** Wakes the writers waiting for a window: one may have opened, a stream was reset, or the connection ended. */
    private void windowsChanged() {
        windowLock.lock();
        try {
            windowChanges++;
            windowOpened.signalAll();
        } finally {
            windowLock.unlock();
        }
    }

    private static void take(FlowWindow window, int bytes) {
        try {
            window.consume(bytes);
        } catch (Http2Exception e) {
            throw new IllegalStateException("sent more than the window allows", e); // awaitWindow checked
        }
    }

    /**
     * Sends RST_STREAM, unless the stream ended already or the connection did; wakes the stream's writer.
     *
     * @return whether this call reset the stream
     */
    public boolean reset(Http2Stream stream, ErrorCode code) {
        if (!stream.markReset(code, false)) {
            return false;
        }
        windowsChanged();
        try {
            write(new ResetFrame(stream.id(), code)); // left for the holder, if the output is held
        } catch (IOException e) {
            // the connection ended or is failing; its reading thread finds out
        }
        return true;
    }

    /** Sends RST_STREAM for a stream that has no state here (refused, or malformed before it began). */
    public void reset(int streamId, ErrorCode code) throws IOException {
        write(new ResetFrame(streamId, code));
    }

    /** Marks a stream reset by the peer and wakes its writer. */
    public void resetByPeer(Http2Stream stream, ErrorCode code) {
        stream.markReset(code, true);
        windowsChanged();
    }

    /**
     * Wakes the writers waiting for a window, so that one whose stream ended without a reset through here (a client's
     * stream that the peer's GOAWAY left out) sees it at once rather than at the write timeout.
     */
    public void wakeWriters() {
        windowsChanged();
    }

    /** Adds a WINDOW_UPDATE's increment to the connection's send window; without the output's lock. */
    public void expandConnection(int increment) throws Http2Exception {
        connectionWindow.expand(increment);
        windowsChanged();
    }

    /** Adds a WINDOW_UPDATE's increment to a stream's send window; without the output's lock. */
    public void expandStream(Http2Stream stream, int increment) throws Http2Exception {
        stream.sendWindow.expand(increment);
        windowsChanged();
    }

    /**
     * Applies the peer's new settings and acknowledges them (§6.5.3), at once if the output is free, else left for its
     * holder (the reading thread never waits for a writer, which may be blocked on a peer that stopped reading). The
     * change of the initial window shifts every open stream's window (§6.9.2) at the point where the acknowledgement
     * goes out, under the output's lock: the peer counts every DATA frame before the acknowledgement against the old
     * windows and every one after it against the new, as a peer that applies its settings once they are acknowledged
     * does. A window shifted earlier let a writer send, before the acknowledgement, DATA that only a raised window
     * allowed; one shifted later, after it, DATA that a lowered one forbade.
     *
     * @param streams the connection's open streams, a live view: those registered by the time the settings apply
     * @throws ConnectionException FLOW_CONTROL_ERROR if the change takes a stream's window beyond 2^31-1
     * @throws IOException if the connection ended
     */
    public void applyPeerSettings(Settings previous, Settings next, Collection<? extends Http2Stream> streams)
            throws IOException {
        int delta = next.initialWindowSize() - previous.initialWindowSize();
        if (delta > 0) {
            for (Http2Stream stream : streams) {
                if (stream.sendWindow.size() + (long) delta > Settings.MAX_WINDOW_SIZE) {
                    throw new ConnectionException(ErrorCode.FLOW_CONTROL_ERROR, "SETTINGS_INITIAL_WINDOW_SIZE change"
                            + " of " + delta + " takes the window of stream " + stream.id() + " beyond 2^31-1");
                }
            }
        }
        writeOrLeave(new PeerSettings(next.maxFrameSize(), next.headerTableSize(),
                next.headerTableSize() != previous.headerTableSize(), next.initialWindowSize(), streams));
    }

    /** Applies the settings that change what goes out, and writes the acknowledgement; the lock held. */
    private void applyAndAcknowledge(PeerSettings settings) throws IOException {
        frames.maxFrameSize(settings.maxFrameSize());
        if (settings.headerTableChanged()) {
            encoder.applyTableSizeLimit((int) Math.min(settings.headerTableSize(),
                    Settings.DEFAULT.headerTableSize()));
        }
        frames.write(SettingsFrame.ACK);
        if (settings.initialWindow() != initialStreamWindow) {
            shiftStreamWindows(settings);
        }
    }

    /**
     * Shifts the open streams' windows by the change of the initial window, the lock held. A WINDOW_UPDATE that came
     * after the SETTINGS, while they waited for the holder, may have raised a window so that the shift takes it beyond
     * 2^31-1, which the reading thread's check could not see: that ends the connection as the check would have.
     */
    private void shiftStreamWindows(PeerSettings settings) {
        int delta = settings.initialWindow() - initialStreamWindow; // settings apply in the order they came
        ConnectionException beyondMaximum = null;
        int highestStream = 0;
        windowLock.lock();
        try {
            for (Http2Stream stream : settings.streams()) {
                highestStream = Math.max(highestStream, stream.id());
                stream.sendWindow.shift(delta);
            }
            initialStreamWindow = settings.initialWindow();
        } catch (ConnectionException e) {
            beyondMaximum = e;
        } finally {
            windowLock.unlock();
        }
        if (beyondMaximum != null) {
            writeGoAway(highestStream, beyondMaximum.errorCode(), beyondMaximum.getMessage()); // ends the output
        } else {
            windowsChanged();
        }
    }

    /**
     * Sends GOAWAY (§6.8) and lets nothing else out after it if it reports an error.
     *
     * @return false if it could not be sent
     */
    public boolean goAway(int lastStreamId, ErrorCode code, String debug) {
        lock.lock();
        try {
            return writeGoAway(lastStreamId, code, debug);
        } finally {
            unlock();
        }
    }

    /**
     * Sends GOAWAY as {@link #goAway(int, ErrorCode, String)} does, unless another writer holds the output for
     * longer than this: for a connection that ends, whose writer may be blocked on a peer that stopped reading.
     *
     * @return false if it could not be sent, or not within the time
     */
    public boolean goAway(int lastStreamId, ErrorCode code, String debug, long patienceNanos) {
        if (!tryLock(patienceNanos)) {
            return false;
        }
        try {
            return writeGoAway(lastStreamId, code, debug);
        } finally {
            unlock();
        }
    }

    private boolean writeGoAway(int lastStreamId, ErrorCode code, String debug) {
        if (ended != null) {
            return false;
        }
        try {
            byte[] debugData = debug == null ? new byte[0] : debug.getBytes(StandardCharsets.UTF_8);
            frames.write(new GoAwayFrame(lastStreamId, code, debugData));
            frames.flush();
        } catch (IOException e) {
            return false;
        }
        if (!code.equals(ErrorCode.NO_ERROR)) {
            ended = "connection error sent: " + code;
            windowsChanged();
        }
        return true;
    }

    /**
     * Sends GOAWAY NO_ERROR unless another writer holds the output for longer than {@link #IDLE_GOAWAY_PATIENCE_NANOS},
     * for an idle connection that another thread closes: a frame of 17 bytes (a TLS record a little longer) to a
     * connection with nothing in flight goes to the socket's send buffer at once. The connection's reading thread may
     * hold the output as it does so, for an acknowledgement of its own (a PING's): idle means no stream, not no
     * frame. Without the wait, a close that came while it did went without its GOAWAY.
     */
    public void tryGoAway(int lastStreamId) {
        if (!tryLock(IDLE_GOAWAY_PATIENCE_NANOS)) {
            return;
        }
        try {
            if (ended == null) {
                frames.write(new GoAwayFrame(lastStreamId, ErrorCode.NO_ERROR, new byte[0]));
                frames.flush();
            }
        } catch (IOException | RuntimeException e) {
            // closing anyway
        } finally {
            unlock();
        }
    }

    /** Ends the output for good, waking every writer: the connection is closing. */
    public void end(String reason) {
        lock.lock();
        try {
            endLocked(reason);
        } finally {
            unlock();
        }
    }

    /**
     * Ends the output as {@link #end(String)} does, unless another writer holds it for longer than this: a writer
     * blocked on a peer that stopped reading holds it up to the write timeout. The caller then closes the
     * connection, which fails that write, and ends the output with {@link #end(String)}.
     *
     * @return whether the output ended
     */
    public boolean tryEnd(String reason, long patienceNanos) {
        if (!tryLock(patienceNanos)) {
            return false;
        }
        try {
            endLocked(reason);
            return true;
        } finally {
            unlock();
        }
    }

    private void endLocked(String reason) {
        if (ended == null) {
            ended = reason;
        }
        windowsChanged();
    }

    /** Takes the lock within this time; false if another writer held it throughout, or this thread is interrupted. */
    private boolean tryLock(long nanos) {
        try {
            return lock.tryLock(nanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Gives back the output buffer; called once the connection closed. */
    public void release() {
        if (lock.tryLock()) {
            try {
                out.release();
            } finally {
                unlock();
            }
        }
    }

    private void requireWritable(Http2Stream stream) throws IOException {
        requireOpen();
        stream.requireNotReset();
    }

    private void requireOpen() throws IOException {
        if (ended != null) {
            throw new IOException("HTTP/2 connection ended: " + ended);
        }
    }
}
