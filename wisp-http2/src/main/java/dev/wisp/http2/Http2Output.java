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
 * A writer whose data the windows do not admit waits here, without the lock, until a WINDOW_UPDATE or a SETTINGS change opens them, its stream is reset, or the write
 * timeout passes.
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
    /** How long a writer waiting for a window goes without looking for frames left to it (see {@link #awaitWindow}). */
    private static final long DEFERRED_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** Fair, so that a writer waiting for the output takes it before a large body's next frame. */
    private final ReentrantLock lock = new ReentrantLock(true);
    /** Signalled when a send window grows, a stream is reset, or the connection ends. */
    private final Condition windowOpened = lock.newCondition();
    /** Frames of the connection's own that found the output held, left for its holder to send (see {@link #write}). */
    private final Queue<Frame> deferred = new ConcurrentLinkedQueue<>();
    private final AtomicInteger deferredCount = new AtomicInteger();
    private final WireOutput out;
    private final FrameWriter frames;
    private final HpackEncoder encoder = new HpackEncoder(Settings.DEFAULT.headerTableSize() > Integer.MAX_VALUE
            ? Integer.MAX_VALUE : (int) Settings.DEFAULT.headerTableSize());
    private final FlowWindow connectionWindow = new FlowWindow(0, Settings.DEFAULT.initialWindowSize());
    private final long writeTimeoutNanos;
    /** The peer's SETTINGS_INITIAL_WINDOW_SIZE: the send window of each new stream; changed under the lock. */
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
        if (!lock.tryLock()) {
            if (deferredCount.get() < MAX_DEFERRED) {
                deferredCount.incrementAndGet();
                deferred.add(frame);
                handOff(); // the holder may have let go meanwhile
                return;
            }
            lock.lock();
        }
        try {
            requireOpen();
            writeDeferred();
            frames.write(frame);
        } finally {
            unlock();
        }
        flushSoon();
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
        for (Frame frame; (frame = deferred.poll()) != null; ) {
            deferredCount.decrementAndGet();
            if (ended == null) {
                frames.write(frame);
            }
        }
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
     * The send window a new stream starts with; read without the output, so that the reading thread opens a stream
     * while another writer holds it.
     */
    public int initialStreamWindow() {
        return initialStreamWindow;
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
            stream = newStream.create((int) nextStreamId, initialStreamWindow);
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
        do {
            lock.lock();
            try {
                int held = 0;
                do {
                    requireWritable(stream);
                    int allowed = length == 0 ? 0 : awaitWindow(stream, Math.min(length, HELD_BYTES - held));
                    boolean last = endStream && allowed == length;
                    frames.writeData(stream.id(), data, offset, allowed, last);
                    take(stream.sendWindow, allowed);
                    take(connectionWindow, allowed);
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
        flushSoon();
    }

    /** Waits until the windows admit some of {@code wanted} bytes; returns how many, at most a frame's worth. */
    private int awaitWindow(Http2Stream stream, int wanted) throws IOException {
        long nanos = writeTimeoutNanos;
        while (true) {
            int allowed = Math.min(Math.min(stream.sendWindow.size(), connectionWindow.size()),
                    Math.min(wanted, frames.maxFrameSize()));
            if (allowed > 0) {
                return allowed;
            }
            if (nanos <= 0) {
                throw new SocketTimeoutException("the peer kept its flow-control window shut for longer than the"
                        + " write timeout");
            }
            writeDeferred();
            frames.flush(); // what is buffered goes out before this thread waits
            try {
                // A frame left for the holder just before this wait lets go of the output waits no longer than this.
                long slice = Math.min(nanos, DEFERRED_CHECK_NANOS);
                nanos -= slice - windowOpened.awaitNanos(slice);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for the flow-control window");
            }
            requireWritable(stream);
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
        lock.lock();
        try {
            if (!stream.markReset(code, false)) {
                return false;
            }
            windowOpened.signalAll();
            if (ended == null) {
                frames.write(new ResetFrame(stream.id(), code));
                frames.flush();
            }
            return true;
        } catch (IOException e) {
            return true; // the connection is failing; its reading thread finds out
        } finally {
            unlock();
        }
    }

    /** Sends RST_STREAM for a stream that has no state here (refused, or malformed before it began). */
    public void reset(int streamId, ErrorCode code) throws IOException {
        write(new ResetFrame(streamId, code));
    }

    /** Marks a stream reset by the peer and wakes its writer. */
    public void resetByPeer(Http2Stream stream, ErrorCode code) {
        lock.lock();
        try {
            stream.markReset(code, true);
            windowOpened.signalAll();
        } finally {
            unlock();
        }
    }

    /**
     * Wakes the writers waiting for a window, so that one whose stream ended without a reset through here (a client's
     * stream that the peer's GOAWAY left out) sees it at once rather than at the write timeout.
     */
    public void wakeWriters() {
        lock.lock();
        try {
            windowOpened.signalAll();
        } finally {
            unlock();
        }
    }

    /** Adds a WINDOW_UPDATE's increment to the connection's send window. */
    public void expandConnection(int increment) throws Http2Exception {
        lock.lock();
        try {
            connectionWindow.expand(increment);
            windowOpened.signalAll();
        } finally {
            unlock();
        }
    }

    /** Adds a WINDOW_UPDATE's increment to a stream's send window. */
    public void expandStream(Http2Stream stream, int increment) throws Http2Exception {
        lock.lock();
        try {
            stream.sendWindow.expand(increment);
            windowOpened.signalAll();
        } finally {
            unlock();
        }
    }

    /**
     * Applies the peer's new settings to what is sent from now on and acknowledges them (§6.5.3): the frame size,
     * the HPACK table size, and every open stream's window shifted by the change of the initial window (§6.9.2).
     */
    public void applyPeerSettings(Settings previous, Settings next, Collection<? extends Http2Stream> streams)
            throws IOException {
        lock.lock();
        try {
            requireOpen();
            frames.maxFrameSize(next.maxFrameSize());
            if (next.headerTableSize() != previous.headerTableSize()) {
                encoder.applyTableSizeLimit((int) Math.min(next.headerTableSize(), Settings.DEFAULT.headerTableSize()));
            }
            int delta = next.initialWindowSize() - previous.initialWindowSize();
            if (delta != 0) {
                for (Http2Stream stream : streams) {
                    stream.sendWindow.shift(delta);
                }
                initialStreamWindow = next.initialWindowSize();
                windowOpened.signalAll();
            }
            frames.write(SettingsFrame.ACK);
            frames.flush();
        } finally {
            unlock();
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
            windowOpened.signalAll();
        }
        return true;
    }

    /**
     * Sends GOAWAY NO_ERROR if no other writer holds the output, for an idle connection that another thread closes:
     * a frame of 17 bytes (a TLS record a little longer) to a connection with nothing in flight goes to the socket's
     * send buffer at once.
     */
    public void tryGoAway(int lastStreamId) {
        if (!lock.tryLock()) {
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
        windowOpened.signalAll();
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
