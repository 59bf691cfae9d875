package dev.wisp.transport;

import static java.lang.System.Logger.Level.WARNING;

import java.io.IOException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One platform thread that is both the carrier of its virtual threads and the selector their sockets wait in, as
 * a Netty event loop both waits in {@code epoll_wait} and runs the handlers: a connection's thread blocked in a
 * {@link LoopSocket} read is woken by this thread's own selection and runs next on this same thread, without the
 * JDK's pollers and without waking another thread. Per request that is a read, a write and a share of one
 * selection, where the JDK's own scheduler takes its poller's platform and virtual threads, a re-arm of the socket
 * and the carrier's sleep and wake-up.
 *
 * <p>The scheduler is the JDK's hidden one-argument constructor of its virtual thread builder (see
 * {@link CarrierLoops#available()}); every virtual thread started from one of this loop's threads runs on this
 * loop too, as the JDK gives a new virtual thread its parent's scheduler.
 *
 * <p>Thread-safety: {@link #execute} and {@link #wakeUp()} may be called from any thread; the selection and the
 * local queue are this loop's thread's own.
 */
final class CarrierLoop implements Executor {
    private static final System.Logger LOG = System.getLogger(CarrierLoop.class.getName());
    /** The pause after a turn that failed (a full heap, a failed selection) before the next. */
    private static final long FAILURE_PAUSE_NANOS = 1_000_000;
    /** No turn, for {@link #watchTurn}: the loop waited in its selection. Not a time, in practice. */
    private static final long NO_TURN = Long.MIN_VALUE;
    /** See {@link #isCrowded()}. */
    static final int CROWDED_TASKS = 8;

    private final Selector selector;
    private final Thread thread;
    /**
     * Makes a builder of virtual threads on this loop, named and with their handler; a builder is not thread-safe,
     * so one is made per thread.
     */
    private final Function<Executor, Thread.Builder.OfVirtual> builders;
    /** Tasks scheduled by this loop's own thread, in order; that thread only. */
    private final ArrayDeque<Runnable> local = new ArrayDeque<>(64);
    /** Tasks scheduled by other threads. */
    private final Queue<Runnable> remote = new ConcurrentLinkedQueue<>();
    /** Tasks whose thread failed to start, the last first, linked through {@link LoopTask#next}. */
    private final AtomicReference<LoopTask> failedStarts = new AtomicReference<>();
    /** How many tasks this loop's current turn runs; the loop's thread and the threads it runs only. */
    private int turnTasks;
    /** The {@link #turnNanos} of the last try of the {@link #failedStarts}; the loop's thread only. */
    private long startsRetriedNanos = System.nanoTime() - FAILURE_PAUSE_NANOS;
    /** Whether the loop's thread is in, or about to enter, a selection that waits. */
    private volatile boolean sleeping;
    private volatile boolean closed;
    /**
     * When this loop's last selection returned ({@link System#nanoTime()}): the clock of the threads it runs until the
     * next, read once per turn rather than by each of them, as nginx reads the time once per wake-up.
     */
    private volatile long turnNanos = System.nanoTime();
    /** The turn the last {@link #watchTurn} saw running, or {@link #NO_TURN}; the sweeper's thread only. */
    private long watchedTurn = NO_TURN;
    /** The last turn {@link #watchTurn} reported; the sweeper's thread only. */
    private long reportedTurn = NO_TURN;
    /** {@link #ready}, made once rather than at every selection. */
    private final Consumer<SelectionKey> onReady = CarrierLoop::ready;
    private final LogLimit failures = LogLimit.perMinute("a carrier loop's turn failed; it goes on (logged again at"
            + " most once a minute): ", "");
    private final LogLimit startFailures = LogLimit.perMinute("a carrier loop could not start a connection's thread;"
            + " it tries again (logged again at most once a minute): ", "");

    CarrierLoop(String name, Function<Executor, Thread.Builder.OfVirtual> builders) throws IOException {
        this.selector = Selector.open();
        this.builders = builders;
        this.thread = Thread.ofPlatform().name(name).daemon().unstarted(this::run);
    }

    void start() {
        thread.start();
    }

    /** A virtual thread that runs on this loop, not started. */
    Thread newThread(Runnable task) {
        return builders.apply(this).unstarted(task);
    }

    /**
     * Registers the channel, made non-blocking, with this loop's selector, for a {@link LoopSocket}; with no interest
     * yet, so that no readiness reaches the socket before it has its key.
     */
    SelectionKey register(SocketChannel channel, LoopSocket socket) throws IOException {
        channel.configureBlocking(false);
        return channel.register(selector, 0, socket);
    }

    /**
     * Schedules a virtual thread's continuation (the JDK calls this for every start and wake-up of a thread on this
     * loop). Once the loop has closed, the continuation runs on the common pool, so that no thread is stranded.
     */
    @Override
    public void execute(Runnable task) {
        if (Thread.currentThread() == thread && !closed) {
            try {
                local.add(task);
                return;
            } catch (OutOfMemoryError e) {
                // the local queue could not grow; a node of the remote one is smaller
            }
        }
        remote.add(task);
        if (closed) {
            drainRemoteElsewhere();
            return;
        }
        wakeUp();
    }

    /** Ends a selection that waits, so the loop looks at what changed: a task, a key's interest, a closed key. */
    void wakeUp() {
        if (sleeping) {
            sleeping = false;
            selector.wakeup();
        }
    }

    /** Whether the loop still runs: not closed. */
    boolean isOpen() {
        return !closed;
    }

    /** Stops the loop once it has run what it holds; threads scheduled after run on the common pool. */
    void close() {
        closed = true;
        selector.wakeup();
    }

    private void run() {
        while (!closed) {
            try {
                turn();
            } catch (ClosedSelectorException e) {
                break;
            } catch (IOException | RuntimeException | Error e) {
                failures.warn(LOG, e);
                LockSupport.parkNanos(FAILURE_PAUSE_NANOS);
            }
        }
        try {
            retryFailedStarts();
            runLocal();
            closeSockets();
            selector.close();
        } catch (IOException | RuntimeException | Error e) {
            LOG.log(WARNING, "closing a carrier loop failed", e);
        } finally {
            drainRemoteElsewhere();
        }
    }

    /**
     * Closes the sockets still registered once the loop has stopped: their waits could never be woken again. A
     * server's connections have ended by then; what is left is the connections its handlers made to other servers
     * (a client's pooled ones), which their pool then finds closed.
     */
    private void closeSockets() {
        for (SelectionKey key : selector.keys()) {
            if (key.attachment() instanceof LoopSocket socket) {
                try {
                    socket.close();
                } catch (IOException | RuntimeException e) {
                    // closed as far as it can be; its waits were woken
                }
            }
        }
    }

    /** Runs what is queued, then selects: without waiting if work is left, else until a socket or a task comes. */
    private void turn() throws IOException {
        if (failedStarts.get() != null && turnNanos - startsRetriedNanos >= FAILURE_PAUSE_NANOS) {
            startsRetriedNanos = turnNanos;
            retryFailedStarts();
        }
        runLocal();
        if (!local.isEmpty() || !remote.isEmpty()) {
            selector.selectNow(onReady);
            turnNanos = System.nanoTime();
            return;
        }
        sleeping = true;
        // A task queued after the flag was set wakes the selection; one queued before it is seen here.
        if (!remote.isEmpty()) {
            selector.selectNow(onReady);
        } else if (failedStarts.get() != null) {
            selector.select(onReady, FAILURE_PAUSE_NANOS / 1_000_000); // to try them again
        } else {
            selector.select(onReady);
        }
        turnNanos = System.nanoTime(); // first: a watch that sees the loop awake sees the turn it woke to
        sleeping = false;
    }

    /**
     * The {@link System#nanoTime()} this loop's last selection returned at: behind the time by the length of the turn
     * so far, microseconds, or as long as a task has computed without blocking in it.
     */
    long clockNanos() {
        return turnNanos;
    }

    /**
     * For the sweeper, at each of its ticks: how long this loop's current turn has run, if it is a turn that had
     * already run {@code limitNanos} at the last watch, and was not reported before; else -1. A turn that long means
     * a thread on the loop computes or blocks its carrier. The turn must have been that old at the watch before, not
     * only now, so that a pause of the whole JVM (a garbage collection) between two watches does not count.
     */
    long watchTurn(long nowNanos, long lastWatchNanos, long limitNanos) {
        boolean awake = !sleeping;
        long turn = turnNanos;
        long seen = watchedTurn;
        watchedTurn = awake ? turn : NO_TURN;
        if (!awake || turn != seen || lastWatchNanos - turn < limitNanos || turn == reportedTurn) {
            return -1;
        }
        reportedTurn = turn;
        return nowNanos - turn;
    }

    /**
     * Whether this loop's current turn runs {@value #CROWDED_TASKS} tasks or more: connections take turns on it, so
     * one that has answered may let the others go first and find its next request there after them
     * ({@link LoopSocket}). Under a load that saturates the loop, the threads that go last make the next turn as
     * crowded; below it, turns shrink and the threads wait for readiness again. For the loop's own threads.
     */
    boolean isCrowded() {
        return turnTasks >= CROWDED_TASKS;
    }

    /** This loop's thread's name. */
    String name() {
        return thread.getName();
    }

    /** A ready key, handed over by the selection itself: no selected-key set to fill and empty on every turn. */
    private static void ready(SelectionKey key) {
        if (key.isValid()) {
            ((LoopSocket) key.attachment()).ready(key.readyOps());
        }
    }

    /**
     * Runs the tasks queued so far, the remote ones first moved over; those they queue in turn wait for the next
     * turn, after a selection, so that sockets that became ready are not starved by threads that keep yielding.
     */
    private void runLocal() {
        Runnable task;
        while ((task = remote.peek()) != null) {
            local.add(task); // first: should the queue fail to grow, the task stays in the other
            remote.poll();
        }
        turnTasks = local.size();
        for (int count = turnTasks; count > 0; count--) {
            task = local.poll();
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                failures.warn(LOG, e); // the JDK's continuation does not throw; a failure here is the JDK's
            }
        }
    }

    private void drainRemoteElsewhere() {
        Runnable task;
        while ((task = remote.poll()) != null) {
            ForkJoinPool.commonPool().execute(task);
        }
    }

    /**
     * Starts a virtual thread of this loop for a task (a {@link LoopSocket}'s wait without a thread), from any
     * thread. If the thread cannot start (the heap is full), the loop keeps the task and tries again at its next
     * turns, a {@link #FAILURE_PAUSE_NANOS} apart, until it starts: a wait that readiness ended has no other way back.
     */
    void startTask(LoopTask task) {
        try {
            builders.apply(this).unstarted(task.task).start();
        } catch (RuntimeException | OutOfMemoryError e) {
            startFailures.warn(LOG, e);
            LoopTask first;
            do {
                first = failedStarts.get();
                task.next = first;
            } while (!failedStarts.compareAndSet(first, task));
            wakeUp(); // from another thread: a loop that sleeps would not see the task until its next readiness
        }
    }

    /** Tries again to start the tasks whose start failed; those that fail again are kept for the next try. */
    private void retryFailedStarts() {
        LoopTask task = failedStarts.getAndSet(null);
        while (task != null) {
            LoopTask next = task.next;
            task.next = null;
            startTask(task);
            task = next;
        }
    }
}
