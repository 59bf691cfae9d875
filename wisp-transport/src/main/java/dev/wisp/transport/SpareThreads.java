package dev.wisp.transport;

import static java.lang.System.Logger.Level.DEBUG;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Deque;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Starts tasks on fresh virtual threads such that, under load, a task runs among the work of the busy carriers
 * instead of behind all of it.
 *
 * <p>Why: {@link Thread#start()} hands a virtual thread to the scheduler's queue for work from outside, which a
 * carrier takes from only when its own queue is empty, and under a steady load it never is: measured, a virtual
 * thread started by a busy one waited 28 to 46 ms on average before it ran, with the server's core full. A
 * parked virtual thread that a virtual thread unparks, though, goes on that carrier's own queue. So a few threads
 * are started ahead of need and wait here, parked: a task is given to one of them, which is woken and runs it,
 * and a new spare is started in its place, to be ready by the time it is needed. A virtual thread wakes the spare
 * at once; a platform thread leaves it to {@link PlatformWakeups}, whose wake-ups busy virtual threads pass on.
 * Each spare runs one task and ends, as a thread started for the task would: nothing a task leaves on its thread
 * (thread-locals, a deep stack) reaches the next. When no spare is ready, the task gets a thread of its own.
 *
 * <p>Thread-safety: all methods may be called from any thread.
 */
public final class SpareThreads implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(SpareThreads.class.getName());
    /** What a spare is given when it is to end without a task. */
    private static final Runnable NONE = () -> { };
    /** What a spare leaves in its task once it took it, so that the task cannot be taken back after. */
    private static final Runnable TAKEN = () -> { };
    private static final VarHandle TASK;

    static {
        try {
            TASK = MethodHandles.lookup().findVarHandle(Spare.class, "task", Runnable.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ThreadFactory threads;
    private final int count;
    private final Deque<Spare> ready = new ConcurrentLinkedDeque<>();
    /** Spares started and not yet given a task: ready, or not yet run for the first time. */
    private final AtomicInteger spares = new AtomicInteger();
    private volatile boolean closed;

    /**
     * @param threads makes the threads, spares and others
     * @param count how many spares to keep; each costs a parked virtual thread with a shallow stack
     */
    public SpareThreads(ThreadFactory threads, int count) {
        this.threads = threads;
        this.count = count;
        topUp(); // now, while the carriers are idle, so that the spares are ready when the load comes
    }

    /**
     * Runs the task on a fresh virtual thread: a spare if one is ready, else a thread started for it.
     *
     * @throws RuntimeException or {@link OutOfMemoryError} as {@link Thread#start()} does, when a thread had to be
     *     started for the task and could not be
     */
    public void start(Runnable task) {
        if (!giveToSpare(task)) {
            threads.newThread(task).start();
        }
        topUp();
    }

    /**
     * Runs the task on a fresh virtual thread: a spare if one is ready, else a thread made for it and handed to
     * {@link PlatformStarts}, so that a platform thread's start does not wait behind a busy carrier's own work.
     *
     * @param onFailure called with what the thread factory or {@link Thread#start()} threw when the task's own
     *     thread could not start, now or later and on another thread; the task has then not run
     */
    public void start(Runnable task, Consumer<Throwable> onFailure) {
        if (!giveToSpare(task)) {
            Thread thread = null;
            try {
                thread = threads.newThread(task);
            } catch (RuntimeException | OutOfMemoryError e) {
                onFailure.accept(e);
            }
            if (thread != null) {
                PlatformStarts.start(thread, onFailure);
            }
        }
        topUp();
    }

    /** Hands the task to a spare that is ready, if there is one. */
    private boolean giveToSpare(Runnable task) {
        Spare spare = ready.pollFirst();
        if (spare == null) {
            return false;
        }
        spares.decrementAndGet();
        spare.give(task);
        return true;
    }

    /**
     * Wakes every spare that waits for a task, to find none and wait again: one parked on its carrier (see
     * {@link InputWatcher}) frees the carrier. Allocates an iterator; fails quietly when memory is short.
     */
    void nudge() {
        try {
            for (Spare spare : ready) {
                LockSupport.unpark(spare.thread);
            }
        } catch (RuntimeException | Error e) {
            // memory is short: the next nudge tries again
        }
    }

    /** Ends the spares that wait; those still starting end when they first run. */
    @Override
    public void close() {
        closed = true;
        Spare spare;
        while ((spare = ready.pollFirst()) != null) {
            spare.give(NONE);
        }
    }

    /** Starts spares until there are {@link #count}; quietly fewer when threads cannot start now. */
    private void topUp() {
        int now;
        while (!closed && (now = spares.get()) < count) {
            if (!spares.compareAndSet(now, now + 1)) {
                continue;
            }
            Spare spare = new Spare();
            try {
                spare.thread = threads.newThread(spare);
            } catch (RuntimeException | OutOfMemoryError e) {
                notStarted(e);
                return;
            }
            // Handed over when a platform thread (the input watcher) tops up, so that under load the spare runs
            // among the busy threads' work rather than never (see PlatformStarts).
            PlatformStarts.start(spare.thread, this::notStarted);
        }
    }

    private void notStarted(Throwable e) {
        spares.decrementAndGet(); // tasks get threads of their own meanwhile; the next start tries again
        LOG.log(DEBUG, () -> "cannot start a spare thread: " + e);
    }

    /** A started thread that waits for its one task. */
    private final class Spare implements Runnable {
        private volatile Thread thread;
        /** The task handed over, {@link #NONE} to end without one; null until then. */
        private volatile Runnable task;

        /**
         * Hands the task over and wakes the spare: at once from a virtual thread, through {@link PlatformWakeups}
         * from a platform one.
         */
        void give(Runnable handed) {
            task = handed;
            try {
                PlatformWakeups.wake(thread);
            } catch (RuntimeException | Error e) {
                // Not woken, memory being short: the task is taken back, unless the spare took it meanwhile (a
                // spurious wake-up), so that the caller's retry cannot run it twice.
                if (TASK.compareAndSet(this, handed, null)) {
                    waitAgain();
                    throw e;
                }
            }
        }

        /**
         * Puts the spare back among the ready ones, if memory allows; else the spare is to end (the count already
         * left it out). Not listed, it would wait for good where no nudge reaches it, and one that parked on its
         * carrier (its stack could not be saved) would hold the carrier for good: two held both carriers of a
         * server, and nothing ran once memory was back. Woken directly, such a spare needs no memory to go on.
         */
        private void waitAgain() {
            try {
                ready.addFirst(this);
                spares.incrementAndGet();
            } catch (RuntimeException | Error stillShort) {
                task = NONE;
                try {
                    LockSupport.unpark(thread);
                } catch (RuntimeException | Error stillShortToo) {
                    // parked as usual and not woken: a lost thread, which holds no carrier
                }
            }
        }

        @Override
        public void run() {
            if (closed) {
                spares.decrementAndGet();
                return;
            }
            try {
                ready.addFirst(this);
            } catch (OutOfMemoryError e) {
                // Not listed, memory being short: this spare ends, and a later top-up starts another.
                spares.decrementAndGet();
                return;
            }
            if (closed && ready.remove(this)) {
                spares.decrementAndGet();
                return;
            }
            Runnable handed;
            while ((handed = task) == null || handed == TAKEN || !TASK.compareAndSet(this, handed, TAKEN)) {
                LockSupport.park(this);
            }
            handed.run();
        }
    }
}
