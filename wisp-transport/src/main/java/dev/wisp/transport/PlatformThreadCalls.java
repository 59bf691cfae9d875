package dev.wisp.transport;

import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs a call that would hold a carrier (costly computation, a blocking native call) on a platform thread while
 * the calling virtual thread waits, parked. The platform thread wakes the waiter through {@link PlatformWakeups},
 * so under load the waiter runs among its carrier's own work rather than after all of it.
 */
public final class PlatformThreadCalls {
    private PlatformThreadCalls() {
    }

    /** A call that may fail with an {@link IOException}. */
    @FunctionalInterface
    public interface IoCall<T> {
        T call() throws IOException;
    }

    /**
     * Runs the call on one of the pool's threads and waits for its result.
     *
     * @throws IOException what the call threw; a runtime exception or error it threw is rethrown as it is
     * @throws InterruptedException if the waiting thread is interrupted; the call is cancelled (its thread
     *     interrupted) and the interrupt status cleared, as {@link java.util.concurrent.Future#get()} does
     */
    public static <T> T call(Executor pool, IoCall<T> call) throws IOException, InterruptedException {
        WokenWhenDone<T> done = new WokenWhenDone<>(call, Thread.currentThread());
        pool.execute(done);
        while (!done.isDone()) {
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

    /** A task that wakes its waiting thread when it ends, however it ends. */
    private static final class WokenWhenDone<T> extends FutureTask<T> {
        private final Thread waiter;

        WokenWhenDone(IoCall<T> call, Thread waiter) {
            super(call::call);
            this.waiter = waiter;
        }

        @Override
        protected void done() {
            PlatformWakeups.wake(waiter);
        }
    }
}
