package dev.wisp.transport;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * What the tests of wake-ups under load share: a JVM of its own whose virtual threads have one carrier, as on a
 * one-core machine or a server pinned to one core (the scheduler is configured before the first virtual thread,
 * hence the JVM), and in it two virtual threads that keep that carrier busy: they wake each other in turn, so the
 * carrier always has work of its own, and after each turn do what a busy connection does after an exchange.
 */
final class OneCarrier {
    private OneCarrier() {
    }

    /** Runs the class's main in a JVM with one carrier and checks that it printed what it should and exited 0. */
    static void assertPrints(String expected, Class<?> main) throws IOException, InterruptedException {
        ChildJvm.assertPrints(expected, main, "-Djdk.virtualThreadScheduler.parallelism=1");
    }

    /** Starts the two busy threads, in the child JVM; closing stops them. */
    static AutoCloseable keepBusy(Runnable afterEachTurn) {
        Thread[] busy = new Thread[2];
        AtomicBoolean stopped = new AtomicBoolean();
        for (int i = 0; i < busy.length; i++) {
            int other = 1 - i;
            busy[i] = Thread.ofVirtual().unstarted(() -> {
                while (!stopped.get()) {
                    afterEachTurn.run();
                    LockSupport.unpark(busy[other]);
                    LockSupport.park();
                }
                LockSupport.unpark(busy[other]);
            });
        }
        busy[0].start();
        busy[1].start();
        return () -> stopped.set(true);
    }

    /**
     * Waits until the thread parks (in a blocking call, or until woken), for at most 10 s; a test whose thread
     * never parks fails here rather than hanging. Usable in a child JVM's main, which has no JUnit.
     */
    static void awaitParked(Thread thread) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (thread.getState() != Thread.State.WAITING) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not parked after 10 s: " + thread.getState());
            }
            Thread.sleep(1);
        }
    }
}
