package dev.wisp.transport;

import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs a call that would hold a carrier (costly computation, a blocking native call) on a platform thread while
 * the calling virtual thread waits, parked. The platform thread wakes the waiter through {@link PlatformWakeups},
 * so under load the waiter runs among its carrier's own work rather than after all of it.
 */
public final class PlatformThreadCalls {
    private static final System.Logger LOG = System.getLogger(PlatformThreadCalls.class.getName());
    private static final LogLimit REFUSALS = LogLimit.perMinute("a pool of platform threads refused a call (",
            "); calls run on their own virtual threads while it does (logged again at most once a minute)");
    /** How long after a refusal calls run here without asking the pool. */
    private static final long REFUSED_PAUSE_NANOS = 1_000_000_000L;
    /** When a pool last refused a call that could run here; a second before the class loaded at first. */
    private static volatile long refusedAtNanos = System.nanoTime() - REFUSED_PAUSE_NANOS;

    private PlatformThreadCalls() {
    }

    /** A call that may fail with an {@link IOException}. */
    @FunctionalInterface
    public interface IoCall<T> {
        T call() throws IOException;
    }

    /**
     * Runs the call on one of the pool's threads and waits for its result. A pool that refuses the call (no thread
     * can be started for it: the process's or the system's limit on threads, or no memory for a thread's stack)
     * fails it with an {@link IOException} that says so, rather than an {@link OutOfMemoryError}: for calls that
     * block, which must not run on a carrier instead.
     *
     * @throws IOException what the call threw, or the refusal; a runtime exception or error the call threw is
     *     rethrown as it is
     * @throws InterruptedException if the waiting thread is interrupted; the call is cancelled (its thread
     *     interrupted) and the interrupt status cleared, as {@link java.util.concurrent.Future#get()} does
     */
    public static <T> T callOrFailIfRefused(Executor pool, IoCall<T> call) throws IOException, InterruptedException {
        return call(pool, call, false);
    }

    /**
     * As {@link #callOrFailIfRefused}, but runs the call on the calling thread should the pool refuse it: when no
     * thread can be started for it (the process's or the system's limit on threads, or no memory for a thread's stack),
     * a pool below its size fails the task at once, though the call could run here, holding a carrier for a while. For
     * calls that compute; a call that blocks would hold the carrier for as long as it blocks. For a second after a
     * refusal, calls run here without asking (each failed start costs a system call and a line of the JVM's own log).
     * The first refusal in a minute is logged.
     */
    public static <T> T callHereIfRefused(Executor pool, IoCall<T> call) throws IOException, InterruptedException {
        return call(pool, call, true);
    }

    /** Forgets the last refusal, so that the next call asks its pool again; for tests that made one. */
    static void forgetRefusal() {
        refusedAtNanos = System.nanoTime() - REFUSED_PAUSE_NANOS;
    }

    private static <T> T call(Executor pool, IoCall<T> call, boolean hereIfRefused)
            throws IOException, InterruptedException {
        WokenWhenDone<T> done = new WokenWhenDone<>(call, Thread.currentThread());
        if (hereIfRefused && System.nanoTime() - refusedAtNanos < REFUSED_PAUSE_NANOS) {
            done.run();
        } else {
            try {
                pool.execute(done);
            } catch (RejectedExecutionException | OutOfMemoryError refused) {
                handBackStranded(pool);
                if (!hereIfRefused) {
                    done.cancel(false); // should the pool have queued it after all
                    throw new IOException("no thread could be started for a blocking call (" + refused.getMessage()
                            + ")", refused);
                }
                refusedAtNanos = System.nanoTime();
                REFUSALS.warn(LOG, refused);
                done.run(); // runs the call once, here or on the pool, should the pool have queued it after all
            }
        }
        while (!done.isDone()) {
            if (done.stranded) {
                if (hereIfRefused) {
                    done.run(); // here, unless a thread of the pool has started it after all
                } else if (done.cancel(false)) {
                    throw new IOException("no thread could be started for a blocking call (the pool queued it,"
                            + " then could start no thread to run it)");
                }
                done.stranded = false; // done, or running on the pool: wait for it as for any other
                continue;
            }
            LockSupport.park(done);
            if (Thread.interrupted()) {
                done.cancel(true);
                throw new InterruptedException("interrupted while a platform thread ran the call");
            }
        }
        try {
            return done.get(); // done: returns at once
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException("an IoCall threw a checked exception it does not declare", cause);
        }
    }

    /**
     * Hands the calls a pool left queued with no thread to run them back to their callers. A fixed pool counts a thread
     * it is starting as one of its own, so a call made meanwhile is queued for it to take; should that start fail, and
     * no other thread of the pool be left, the call waits in the queue until a later call starts one, if any ever
     * does. Seen: TLS handshakes stuck for good while no thread could start.
     */
    private static void handBackStranded(Executor pool) {
        if (!(pool instanceof ThreadPoolExecutor executor) || executor.getPoolSize() > 0) {
            return; // a thread of the pool will take what is queued
        }
        try {
            for (Runnable queued : executor.getQueue()) {
                if (queued instanceof WokenWhenDone<?> call && executor.getQueue().remove(call)) {
                    call.strand();
                }
            }
        } catch (RuntimeException | OutOfMemoryError e) {
            // no memory for the queue's iterator: the next refusal tries again
        }
    }

    /** A task that wakes its waiting thread when it ends, however it ends. */
    private static final class WokenWhenDone<T> extends FutureTask<T> {
        private final Thread waiter;
        /** Whether the pool dropped it from its queue, with no thread to run it, for its caller to take back. */
        volatile boolean stranded;

        WokenWhenDone(IoCall<T> call, Thread waiter) {
            super(call::call);
            this.waiter = waiter;
        }

        @Override
        protected void done() {
            PlatformWakeups.wake(waiter);
        }

        void strand() {
            stranded = true;
            LockSupport.unpark(waiter);
        }
    }
}
