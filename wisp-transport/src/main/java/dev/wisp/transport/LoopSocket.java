package dev.wisp.transport;

import java.io.IOException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * A non-blocking {@link SocketChannel} registered with a {@link CarrierLoop}, as a {@link StreamSocket}: a read
 * that finds nothing parks its thread until the loop's selection finds the socket readable, and a write that finds
 * the send buffer full until it is writable again. The key stays registered for reading for the socket's life, so
 * a thread that waits for a read changes nothing in the kernel (no {@code epoll_ctl}); only readiness that comes
 * while nobody reads turns the read interest off, until the next read waits.
 *
 * <p>A read that returned less than it had room for took all the kernel held: the next read waits for readiness
 * first rather than making a system call that would find nothing. The key is level-triggered, so bytes that came
 * in between make the selection report it at once.
 *
 * <p>On a crowded loop ({@link CarrierLoop#isCrowded()}) a read after one that took all the kernel held goes last
 * instead: its thread turns the read interest off and yields, so that the loop runs its other threads first, and
 * reads at the loop's next turn. By then the peer's next request has mostly come, and the read takes it at once,
 * as a thread that steps aside on the JDK's scheduler does ({@link StepAside}); meanwhile the kernel keeps no
 * readiness of the socket (with the interest on, each segment that arrives queues the socket as ready, and each
 * selection that reported it looks at it again at the next, the selector being level-triggered). A read that then
 * finds nothing turns the interest back on and waits for readiness, as do the socket's next
 * {@value #MISSED_GOING_LAST_PAUSE} waits. Measured with 64 keep-alive connections on one loop: 1.04 of Netty's
 * requests per CPU-second where it was 0.94 to 0.98, and a lower p99.
 *
 * <p>An idle connection may wait without a thread ({@link #watch(Runnable)}): readiness then starts the task on a
 * fresh virtual thread of the loop, as the {@link InputWatcher} does for the JDK's scheduler, with no selector of
 * its own.
 */
public final class LoopSocket extends ChannelStreamSocket {
    /** The read wait's state when readiness came with nobody waiting. */
    private static final Object READY = new Object();
    /**
     * How many waits for input wait for readiness after going last on a crowded loop found nothing: below the
     * loop's saturation the peer's next request mostly comes later than the others take to run, and each miss costs a
     * read that finds nothing and the read interest turned on and off again, three system calls.
     */
    private static final int MISSED_GOING_LAST_PAUSE = 32;

    private final CarrierLoop loop;
    private final SelectionKey key;
    /**
     * Null, {@link #READY}, the {@link Thread} parked for a read, or the {@link LoopTask} of a wait without a thread.
     */
    private final AtomicReference<Object> readWait = new AtomicReference<>();
    /** Null, or the thread parked until the socket can take more. */
    private final AtomicReference<Thread> writeWait = new AtomicReference<>();
    /** Whether the last read took all the kernel held; the reading thread only. */
    private boolean drained;
    /**
     * How many more waits for input wait for readiness before the thread goes last on a crowded loop again, after
     * going last found nothing; the reading thread only.
     */
    private int waitsBeforeGoingLast;

    LoopSocket(SocketChannel channel, CarrierLoop loop) throws IOException {
        super(channel);
        this.loop = loop;
        this.key = loop.register(channel, this);
        key.interestOps(SelectionKey.OP_READ);
        loop.wakeUp(); // a selection under way would not look at the new key until its next turn
    }

    /** A virtual thread on this socket's loop, not started, to serve the connection. */
    public Thread newThread(Runnable task) {
        return loop.newThread(task);
    }

    @Override
    public int read(ByteBuffer destination) throws IOException {
        boolean wentLast = false;
        if (drained) {
            drained = false;
            wentLast = awaitNextInput();
        }
        while (true) {
            int room = destination.remaining();
            int count = channel.read(destination);
            if (count != 0 || room == 0) {
                drained = count > 0 && count < room;
                if (drained) {
                    forgetReadiness();
                }
                return count;
            }
            if (wentLast) {
                wentLast = false;
                waitsBeforeGoingLast = MISSED_GOING_LAST_PAUSE;
            }
            awaitReadable(0);
        }
    }

    @Override
    public int readNow(ByteBuffer destination) throws IOException {
        drained = false;
        int room = destination.remaining();
        int count = channel.read(destination);
        if (count >= 0 && count < room) {
            forgetReadiness();
        }
        return count;
    }

    /**
     * Makes the next read, if the last one took all the kernel held, wait for the loop to find the socket readable
     * rather than go last on a crowded loop: for an answer the peer has yet to make (a client's response), which going
     * last would mostly not find there, at the cost of turning the read interest off and on again. Reading thread only.
     */
    void nextReadAwaitsReadiness() {
        if (waitsBeforeGoingLast == 0) {
            waitsBeforeGoingLast = 1;
        }
    }

    /**
     * True after a read that took all the kernel held, while the key's read interest is on and the loop's selection
     * has reported nothing: input, or the end of the stream, would have been reported (the key is level-triggered).
     * What arrived since the loop's last selection is not known yet.
     */
    @Override
    public boolean knowsNothingArrived() {
        try {
            return drained && readWait.get() == null && (key.interestOps() & SelectionKey.OP_READ) != 0
                    && channel.isOpen() && loop.isOpen();
        } catch (CancelledKeyException e) {
            return false;
        }
    }

    /**
     * Waits, after a read that took all the kernel held, until the next read may find bytes: on a crowded loop by
     * going last (see the class comment), else for the loop to find the socket readable.
     *
     * @return whether the thread went last, rather than waiting for readiness
     */
    private boolean awaitNextInput() throws IOException {
        if (waitsBeforeGoingLast > 0) {
            waitsBeforeGoingLast--;
        } else if (loop.isCrowded()) {
            if (readWait.get() == READY && readWait.compareAndSet(READY, null)) {
                return false; // reported while nobody read, which turned the interest off: read now
            }
            try {
                if ((key.interestOps() & SelectionKey.OP_READ) != 0) {
                    key.interestOpsAnd(~SelectionKey.OP_READ); // applied at the loop's next selection
                }
            } catch (CancelledKeyException e) {
                return false; // closed: the read says so
            }
            Thread.yield(); // to the end of the loop's queue: runs again at the loop's next turn
            return true;
        }
        awaitReadable(0);
        return false;
    }

    /**
     * Forgets readiness that came while nobody read, once a read has taken all the kernel held: else the next wait
     * would return at once to find nothing, and a wait without a thread ({@link #watch}) would be refused. The read
     * interest comes back on, so bytes that came since are reported again.
     */
    private void forgetReadiness() {
        if (readWait.get() == READY && readWait.compareAndSet(READY, null)) {
            interestedInReading();
        }
    }

    @Override
    public int readWithin(ByteBuffer destination, long nanos) throws IOException {
        long deadline = System.nanoTime() + nanos;
        drained = false;
        while (true) {
            int count;
            try {
                count = channel.read(destination);
            } catch (ClosedChannelException e) {
                throw new SocketException("Socket closed"); // as the contract says, and a socket's timed read does
            }
            long left = deadline - System.nanoTime();
            if (count != 0 || left <= 0) {
                return count;
            }
            awaitReadable(left);
        }
    }

    @Override
    public long clockNanos() {
        return loop.clockNanos();
    }

    @Override
    public int writeNow(ByteBuffer source) throws IOException {
        return channel.write(source);
    }

    @Override
    public int write(ByteBuffer source) throws IOException {
        while (true) {
            int count = channel.write(source);
            if (count > 0 || !source.hasRemaining()) {
                return count;
            }
            awaitWritable();
        }
    }

    /**
     * Parks until the loop finds the socket readable, the input is shut or the socket closed, or (if positive)
     * the time passes.
     */
    private void awaitReadable(long nanos) throws IOException {
        Thread me = Thread.currentThread();
        if (readWait.compareAndSet(READY, null)) {
            interestedInReading();
            return;
        }
        if (!readWait.compareAndSet(null, me)) {
            readWait.compareAndSet(READY, null); // readiness came meanwhile: read
            interestedInReading();
            return;
        }
        interestedInReading(); // off if the thread went last (awaitNextInput), and the wait needs it
        long deadline = nanos > 0 ? System.nanoTime() + nanos : 0;
        while (readWait.get() == me) {
            if (!channel.isOpen()) {
                readWait.compareAndSet(me, null);
                return;
            }
            if (me.isInterrupted()) {
                readWait.compareAndSet(me, null);
                closeOnInterrupt();
            }
            if (deadline == 0) {
                LockSupport.park(this);
            } else {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    readWait.compareAndSet(me, null);
                    return;
                }
                LockSupport.parkNanos(this, left);
            }
        }
    }

    /** Turns the read interest back on, if readiness with nobody waiting turned it off. */
    private void interestedInReading() {
        try {
            if ((key.interestOps() & SelectionKey.OP_READ) == 0) {
                key.interestOpsOr(SelectionKey.OP_READ);
                loop.wakeUp();
            }
        } catch (CancelledKeyException e) {
            // closed: the read that follows says so
        }
    }

    private void awaitWritable() throws IOException {
        Thread me = Thread.currentThread();
        writeWait.set(me);
        try {
            key.interestOpsOr(SelectionKey.OP_WRITE);
        } catch (CancelledKeyException e) {
            writeWait.set(null);
            throw new ClosedChannelException();
        }
        loop.wakeUp();
        while (writeWait.get() == me) {
            if (!channel.isOpen()) {
                writeWait.compareAndSet(me, null);
                return; // the write that follows fails as closed
            }
            if (me.isInterrupted()) {
                writeWait.compareAndSet(me, null);
                closeOnInterrupt();
            }
            LockSupport.park(this);
        }
    }

    /**
     * Ends a wait that its thread's interrupt ended as the JDK ends a blocking channel's: the channel closes, and the
     * thread keeps its interrupt status. Parking again would return at once, for as long as the status is set.
     */
    private void closeOnInterrupt() throws IOException {
        close();
        throw new ClosedByInterruptException();
    }

    /** The loop found the socket ready; on the loop's thread. */
    void ready(int readyOps) {
        try {
            wakeWaiting(readyOps);
        } catch (CancelledKeyException e) {
            // closed meanwhile: the close woke whoever waited
        }
    }

    private void wakeWaiting(int readyOps) {
        if ((readyOps & SelectionKey.OP_WRITE) != 0) {
            key.interestOpsAnd(~SelectionKey.OP_WRITE);
            Thread writer = writeWait.getAndSet(null);
            if (writer != null) {
                LockSupport.unpark(writer);
            }
        }
        if ((readyOps & SelectionKey.OP_READ) != 0) {
            while (true) {
                Object waiting = readWait.get();
                if (waiting == READY) {
                    key.interestOpsAnd(~SelectionKey.OP_READ); // nobody reads: stop the reports until someone does
                    return;
                }
                if (waiting == null) {
                    if (readWait.compareAndSet(null, READY)) {
                        key.interestOpsAnd(~SelectionKey.OP_READ);
                        return;
                    }
                } else if (readWait.compareAndSet(waiting, null)) {
                    wake(waiting);
                    return;
                }
            }
        }
    }

    /** Wakes a parked reader, or starts a wait's task on the loop. */
    private void wake(Object waiting) {
        if (waiting instanceof Thread reader) {
            LockSupport.unpark(reader);
        } else if (waiting instanceof LoopTask watch) {
            loop.startTask(watch);
        }
    }

    /**
     * Waits for input without a thread: the task runs on a fresh virtual thread of the loop once the socket is
     * readable, its input shut or the socket closed. The caller's thread must leave the socket alone after true.
     *
     * @return false if input is known to be there already: the caller reads
     */
    boolean watch(Runnable task) {
        if (!readWait.compareAndSet(null, new LoopTask(task))) {
            return false;
        }
        drained = false;
        interestedInReading();
        return true;
    }

    /** Whether a task waits for input without a thread ({@link #watch}). */
    boolean isWatched() {
        return readWait.get() instanceof LoopTask;
    }

    /** Ends a wait without a thread at once, as if input had come: its task runs and finds what ended it. */
    void endWatch() {
        Object waiting = readWait.get();
        if (waiting instanceof LoopTask watch && readWait.compareAndSet(watch, null)) {
            loop.startTask(watch);
        }
    }

    /** Ends whatever waits for input: a parked reader, or a wait without a thread. */
    private void endReadWait() {
        Object waiting = readWait.getAndSet(READY);
        if (waiting != null && waiting != READY) {
            wake(waiting);
        }
    }

    @Override
    public void shutdownInput() throws IOException {
        try {
            channel.shutdownInput();
        } finally {
            endReadWait();
        }
    }


    /** Closes the channel; the loop's next selection lets go of its descriptor, and the threads waiting wake. */
    @Override
    public void close() throws IOException {
        try {
            channel.close();
        } finally {
            loop.wakeUp();
            endReadWait();
            Thread writer = writeWait.getAndSet(null);
            if (writer != null) {
                LockSupport.unpark(writer);
            }
        }
    }

    /** None: the socket waits in its loop's selector, not in the {@link InputWatcher}'s. */
    @Override
    public Optional<SocketChannel> channel() {
        return Optional.empty();
    }

    @Override
    public boolean isReadBlocked() {
        return readWait.get() instanceof Thread;
    }

    @Override
    public boolean isWriteBlocked() {
        return writeWait.get() != null;
    }
}
