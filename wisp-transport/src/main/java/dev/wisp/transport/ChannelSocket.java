package dev.wisp.transport;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

/**
 * A blocking {@link SocketChannel} as a {@link StreamSocket}. The channel's own blocking reads have no timeout:
 * deadlines are the sweeper's, which shuts the input of a late read. An untimed read parks a virtual thread without
 * a timer object, and costs an idle connection fewer objects and a shallower parked stack than a {@link Socket}.
 *
 * <p>A virtual thread that blocks in a read or write is noted here, so that busy threads can wake it should the
 * JDK's poller be late to (see {@link LateWakeups}). The thread does not read the clock for it: the first scan that
 * sees it blocked stamps the time, so its wait counts from at most one scan period late, and a read or write that
 * does not block, most of them under load, costs two field writes.
 */
final class ChannelSocket extends ChannelStreamSocket {
    /** A blocked call that no scan has seen yet. */
    private static final int UNSEEN = Integer.MIN_VALUE;
    /** The timeout of the read that tells the end from nothing beside a write; see {@link #readBuffered}. */
    private static final long END_CHECK_NANOS = 1_000_000;
    /** The first and the longest pause of a write that finds a watched channel's buffer full; see {@link #write}. */
    private static final long MIN_FULL_PAUSE_NANOS = 20_000;
    private static final long MAX_FULL_PAUSE_NANOS = 1_000_000;
    /** The first and the longest pause between the looks of a timed read on a Unix domain socket. */
    private static final long MIN_LOOK_PAUSE_NANOS = 20_000;
    private static final long MAX_LOOK_PAUSE_NANOS = 1_000_000;

    /**
     * The virtual thread that may be blocked in a read, and since when the scans have seen it blocked
     * ({@link LateWakeups#nowTicks()}, or {@link #UNSEEN}); null when none is.
     */
    private volatile Thread reader;
    private volatile int readingSince;
    /**
     * The thread that may be blocked in a write, and since when the scans have seen it; null when none is. Set for
     * platform threads too ({@link #nonBlockingUnlessWriting}); the scans wake virtual ones only.
     */
    private volatile Thread writer;
    private volatile int writingSince;
    /**
     * Set while the reading thread switches the channel to non-blocking mode; a write that starts meanwhile waits
     * for the switch to end. See {@link #nonBlockingUnlessWriting()}.
     */
    private volatile boolean switching;
    /** Whether {@link LateWakeups} lists this socket. */
    private volatile boolean listed;
    /**
     * How many scans in a row found no thread blocked here. The socket is dropped from the list only after
     * {@link LateWakeups#DROP_AFTER_SCANS} of them: a busy connection is between two calls at most scans, and
     * dropping and listing it again each time would cost a set removal and insertion per scan. Written by the
     * scans only; two that overlap may miscount, which drops the socket a scan early or late.
     */
    private int scansUnblocked;
    /**
     * Whether the channel has a socket view ({@link SocketChannel#socket()}), which reads with a timeout: a TCP
     * channel does, a Unix domain one does not.
     */
    private final boolean socketView;
    /** Whether {@link #shutdownInput()} was called, for a channel without a socket view to tell. */
    private volatile boolean inputShut;

    ChannelSocket(SocketChannel channel) {
        super(channel);
        this.socketView = channel.supportedOptions().contains(StandardSocketOptions.TCP_NODELAY);
    }

    @Override
    public int read(ByteBuffer destination) throws IOException {
        startReading();
        try {
            return channel.read(destination);
        } finally {
            reader = null;
        }
    }

    /**
     * Switches the channel to non-blocking mode for one read, and back before returning; while a write is under
     * way, takes what the kernel holds already, or tells the end of the stream, instead ({@link #readBuffered}).
     */
    @Override
    public int readNow(ByteBuffer destination) throws IOException {
        if (!nonBlockingUnlessWriting()) {
            return readBuffered(destination);
        }
        try {
            return channel.read(destination);
        } finally {
            channel.configureBlocking(true);
        }
    }

    /**
     * Makes the channel non-blocking, unless a write is under way: false then, at once. Why: the JDK switches the
     * blocking mode only under the channel's write lock, so a switch beside a write blocked on a peer that does not
     * read waited with it, up to the write timeout; the reading thread of an HTTP/2 connection, handing its wait to
     * the {@link InputWatcher} while a handler wrote, read no frame meanwhile. A write and a switch each announce
     * themselves before they look for the other ({@link #writer}, {@link #switching}), so at least one of them sees
     * the other: the switch then gives up, or the write waits for it to end, which takes microseconds, as nothing
     * else holds the locks the switch takes. A write that starts once the channel is non-blocking is one
     * {@link #write} knows how to make. Called by the reading thread.
     */
    boolean nonBlockingUnlessWriting() throws IOException {
        switching = true;
        try {
            if (writer != null) {
                return false;
            }
            channel.configureBlocking(false);
            return true;
        } finally {
            switching = false;
        }
    }

    /**
     * Reads what the kernel holds for this socket without switching the channel's blocking mode. Why: the JDK
     * switches it only under both the read and the write lock, so a switch waits for a write blocked on a peer that
     * reads slowly, and a reader that polls (say, for a close frame while a large message goes out) would wait with
     * it. The bytes held are counted first ({@code FIONREAD}, under no lock a write takes); a blocking read then
     * takes them at once.
     *
     * <p>The count is 0 at the end of the stream too, which must not read as nothing: a connection whose poll found
     * nothing hands its wait to the {@link InputWatcher}, which the ended input wakes at once, and back it came,
     * again and again while the write lasted (an HTTP/2 connection's reading thread while a handler wrote to a peer
     * that had closed its side). So when nothing is held, a read with the shortest timeout tells: the JDK's timed
     * read takes the read lock only, and returns the end, or a byte, at once; only when nothing has come does it
     * wait out its millisecond. A direct buffer, which that read cannot take, gets nothing.
     */
    private int readBuffered(ByteBuffer destination) throws IOException {
        if (socketView ? channel.socket().isInputShutdown() : inputShut) {
            return -1;
        }
        if (bytesHeld() == 0) {
            return destination.hasArray() ? readWithin(destination, END_CHECK_NANOS) : 0;
        }
        return channel.read(destination);
    }

    /** The channel's socket view reads with a timeout, which the channel's own reads lack. */
    @Override
    public int readWithin(ByteBuffer destination, long nanos) throws IOException {
        if (!socketView) {
            return lookWithin(destination, nanos);
        }
        Socket socket = channel.socket();
        socket.setSoTimeout((int) Math.max(1, nanos / 1_000_000));
        startReading();
        try {
            int n = socket.getInputStream().read(destination.array(),
                    destination.arrayOffset() + destination.position(), destination.remaining());
            if (n > 0) {
                destination.position(destination.position() + n);
            }
            return n;
        } catch (SocketTimeoutException e) {
            return 0;
        } finally {
            reader = null;
            socket.setSoTimeout(0);
        }
    }

    /**
     * A timed read without a socket view (a Unix domain socket): looks at what the kernel holds, and for the end of
     * the stream with a read that cannot block (unless a write is under way), pausing a little longer each time, until
     * something comes or the time is up. A timed read is for a short wait (a millisecond beside a write) or a rare one.
     */
    private int lookWithin(ByteBuffer destination, long nanos) throws IOException {
        long deadline = System.nanoTime() + nanos;
        for (long pause = MIN_LOOK_PAUSE_NANOS; ; pause = Math.min(2 * pause, MAX_LOOK_PAUSE_NANOS)) {
            if (inputShut) {
                return -1;
            }
            if (bytesHeld() > 0) {
                return channel.read(destination); // takes what is held without waiting
            }
            if (nonBlockingUnlessWriting()) {
                try {
                    int n = channel.read(destination);
                    if (n != 0) {
                        return n;
                    }
                } finally {
                    channel.configureBlocking(true);
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return 0;
            }
            LockSupport.parkNanos(Math.min(pause, left));
        }
    }

    /**
     * Writes, blocking until some bytes went out. A channel the {@link InputWatcher} holds for the reading side is
     * non-blocking meanwhile, and a write there returns nothing while the socket's buffer is full: tried again at
     * once, it spun until the peer read. It waits instead, a little longer each time up to a millisecond, until
     * bytes go out or the channel blocks again; the write deadline still bounds it (the sweeper closes the socket).
     */
    @Override
    public int write(ByteBuffer source) throws IOException {
        Thread thread = Thread.currentThread();
        writingSince = UNSEEN;
        writer = thread; // a platform thread too, for a switch to see; only a virtual one is woken late
        if (thread.isVirtual()) {
            listIfNot();
        }
        try {
            while (switching) {
                Thread.yield(); // the reading thread makes the channel non-blocking: see nonBlockingUnlessWriting
            }
            int n = channel.write(source);
            for (long pause = MIN_FULL_PAUSE_NANOS; n == 0 && source.hasRemaining();
                    pause = Math.min(2 * pause, MAX_FULL_PAUSE_NANOS)) {
                LockSupport.parkNanos(pause);
                n = channel.write(source);
            }
            return n;
        } finally {
            writer = null;
        }
    }

    @Override
    public boolean isReadBlocked() {
        return reader != null;
    }

    @Override
    public boolean isWriteBlocked() {
        Thread blocked = writer;
        return blocked != null && blocked.isVirtual();
    }

    private void startReading() {
        Thread thread = Thread.currentThread();
        if (thread.isVirtual()) {
            readingSince = UNSEEN;
            reader = thread;
            listIfNot();
        }
    }

    private void listIfNot() {
        if (!listed) {
            listed = true;
            LateWakeups.list(this);
        }
    }

    /**
     * Wakes the threads blocked here whose wait has passed a mark since the last scan (see
     * {@link LateWakeups#passedMark}), stamps the waits this scan is the first to see, and drops the socket from
     * the list once none has been blocked for a while. A thread may end its call and start another between the
     * reads here: the new call is then stamped a little late, or woken once early, which its retry absorbs. A scan
     * by the sweeper, a platform thread, wakes through {@link PlatformWakeups}: unparked by it directly, a thread
     * would wait in the scheduler's queue for platform threads' wake-ups, and a busy thread's later unpark of it
     * would then do nothing.
     *
     * @param pollerLate whether the JDK's poller is late now ({@link PollerProbe}): only then is a read woken before
     *     {@link LateWakeups#WAKE_BLIND_TICKS} or between the marks, and only if its socket holds bytes
     *     ({@link #isReadWakeDue})
     * @return whether a thread was woken
     */
    boolean wakeLate(int now, int sinceLastScan, int firstMark, boolean pollerLate) {
        if (!channel.isOpen()) {
            LateWakeups.unlist(this);
            return false;
        }
        boolean woken = false;
        Thread blockedReader = reader;
        int readSince = readingSince;
        if (blockedReader != null && readSince == UNSEEN) {
            readingSince = stamp(now);
        } else if (blockedReader != null && isReadWakeDue(now - readSince, sinceLastScan, firstMark, pollerLate)) {
            PlatformWakeups.wake(blockedReader);
            woken = true;
        }
        Thread blockedWriter = writer;
        int writeSince = writingSince;
        if (blockedWriter != null && writeSince == UNSEEN) {
            writingSince = stamp(now);
        } else if (blockedWriter != null && blockedWriter.isVirtual()
                && LateWakeups.passedMark(now - writeSince, sinceLastScan, firstMark)) {
            PlatformWakeups.wake(blockedWriter);
            woken = true;
        }
        if (blockedReader != null || blockedWriter != null) {
            scansUnblocked = 0;
        } else if (++scansUnblocked >= LateWakeups.DROP_AFTER_SCANS) {
            scansUnblocked = 0;
            unlistIfIdle();
        }
        return woken;
    }

    /**
     * Whether a read blocked this long is to be woken now: at the marks, whatever the socket holds once it has waited
     * {@link LateWakeups#WAKE_BLIND_TICKS}, and before that only while the poller is late and if bytes wait; and
     * while the poller is late, a read that has waited that long at each scan if bytes wait. Why the last: the
     * marks double, so a read that waited long would see its bytes only at a mark as far off as its wait so far (a
     * pooled HTTP/2 connection's reading thread, idle for seconds, then waited seconds for a response that had
     * arrived, after its client's heap had filled and killed the JDK's poller). The count of bytes is one system
     * call per such read and scan, made only while a probe finds the poller late.
     */
    boolean isReadWakeDue(int waited, int sinceLastScan, int firstMark, boolean pollerLate) {
        boolean atMark = LateWakeups.passedMark(waited, sinceLastScan, firstMark);
        if (atMark && waited >= LateWakeups.WAKE_BLIND_TICKS) {
            return true;
        }
        return pollerLate && (atMark || waited >= LateWakeups.WAKE_BLIND_TICKS) && inputWaiting();
    }

    /**
     * Whether the kernel holds bytes for this socket (FIONREAD, under no lock a blocked read holds), or cannot say
     * (the input shut, the socket closed; no memory for the count, or for the first use of the JDK's class that
     * makes it): a wake-up then finds something to do. Never throws: a scan goes on to the other sockets.
     */
    private boolean inputWaiting() {
        try {
            return bytesHeld() > 0;
        } catch (IOException | RuntimeException | Error e) {
            return true;
        }
    }


    private static int stamp(int now) {
        return now == UNSEEN ? now + 1 : now;
    }

    /**
     * Drops the socket from the list unless a thread started to block meanwhile. A thread that blocks sets its
     * field before it reads {@link #listed}, and this clears {@code listed} before it reads the fields, so one of
     * the two sees the other: the socket of a blocked thread is never left unlisted.
     */
    void unlistIfIdle() {
        listed = false;
        if (reader != null || writer != null) {
            listed = true;
            return;
        }
        LateWakeups.unlist(this);
        if (reader != null || writer != null) {
            listed = true;
            LateWakeups.list(this); // it came between the check and the removal
        }
    }

    @Override
    public void shutdownInput() throws IOException {
        inputShut = true;
        channel.shutdownInput();
    }


    @Override
    public void close() throws IOException {
        channel.close();
        LateWakeups.unlist(this);
    }


    @Override
    public Optional<SocketChannel> channel() {
        return Optional.of(channel);
    }
}
