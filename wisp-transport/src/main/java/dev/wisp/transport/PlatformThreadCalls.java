package dev.wisp.transport;

import java.util.concurrent.Callable;
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

    /**
     * Runs the call on one of the pool's threads and waits for its result, as {@code submit(call).get()} would.
     *
     * @throws ExecutionException if the call threw; its cause is what it threw
     * @throws InterruptedException if the waiting thread is interrupted; the call is cancelled (its thread
     *     interrupted) and the interrupt status cleared, as {@link java.util.concurrent.Future#get()} does
     */
    public static <T> T call(Executor pool, Callable<T> call) throws ExecutionException, InterruptedException {
        WokenWhenDone<T> done = new WokenWhenDone<>(call, Thread.currentThread());
        pool.execute(done);
        while (!done.isDone()) {
            LockSupport.park(done);
            if (Thread.interrupted()) {
                done.cancel(true);
                throw new InterruptedException("interrupted while a platform thread ran the call");
            }
        }
        return done.get(); // done: returns at once
    }

    /** A task that wakes its waiting thread when it ends, however it ends. */
    private static final class WokenWhenDone<T> extends FutureTask<T> {
        private final Thread waiter;

        WokenWhenDone(Callable<T> call, Thread waiter) {
            super(call);
            this.waiter = waiter;
        }

        @Override
        protected void done() {
            PlatformWakeups.wake(waiter);
        }
    }
}
