package dev.wisp.transport;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Starts the virtual threads that platform threads (a server's listener, the input watcher) hand over, from a
 * virtual thread, so that under load they queue with the busy carrier's own work and take turns with it.
 *
 * <p>Why: the JDK's scheduler queues a thread started by a platform thread in a queue of that platform thread's,
 * and one started by a virtual thread in a queue of its carrier's. A carrier whose own work has run out takes from
 * the queue it took from last for as long as that one has work. Under a steady load, the step-aside resumers
 * ({@link StepAside}), started by virtual threads, keep the carrier's queue from ever running out, so the carrier
 * never got to the listener's: a new connection's thread waited 50 to 480 ms to run while 64 busy connections
 * kept the server's core full (Netty answered such a connection's first request within 9 ms). Started from a
 * virtual thread, it queues with the resumers, in order.
 *
 * <p>How: a thread handed over waits here until one of these starts it:
 * <ul>
 *   <li>each step-aside resumer, {@value #PER_ROUND} threads a round, before it wakes the threads that stepped
 *       aside: the new threads then run after that round, one round's worth of new connections at a time, so that
 *       a burst of them (each with a TLS handshake to make) takes turns with the connections already open rather
 *       than going ahead of them all at once;</li>
 *   <li>the relay thread, which the handing thread wakes, and which runs at once when the carrier is idle.</li>
 * </ul>
 * A carrier that threads keep busy without ever stepping aside or blocking (each wakes the next) runs nothing
 * started this way or any other, only threads woken by them: there a thread handed over waits, as it did when the
 * platform thread started it. {@link SpareThreads}, woken rather than started, are what reaches such a carrier.
 *
 * <p>Thread-safety: all methods may be called from any thread.
 */
public final class PlatformStarts {
    static final int PER_ROUND = 8;
    /** The pause before trying again what failed for want of memory. */
    private static final long RETRY_NANOS = 10_000_000L;

    private record Pending(Thread thread, Consumer<Throwable> onFailure) {
    }

    private static final Queue<Pending> PENDING = new ConcurrentLinkedQueue<>();
    private static final RelayThread RELAY = RelayThread.start("wisp-start-relay", () -> startSome(Integer.MAX_VALUE));

    private PlatformStarts() {
    }

    /**
     * Starts the thread: at once from a virtual thread, else as the class comment says.
     *
     * @param thread a virtual thread, not started
     * @param onFailure what to do if the thread cannot start ({@link Thread#start()} threw); called with what it
     *     threw, on the thread that tried, which may be this one
     */
    public static void start(Thread thread, Consumer<Throwable> onFailure) {
        if (Thread.currentThread().isVirtual()) {
            startNow(thread, onFailure);
            return;
        }
        PENDING.add(new Pending(thread, onFailure));
        RELAY.unpark();
    }

    /** For the step-aside resumer: starts the next {@value #PER_ROUND} threads. */
    static void startRound() {
        startSome(PER_ROUND);
    }

    private static void startSome(int count) {
        Pending pending;
        for (int i = 0; i < count && (pending = PENDING.poll()) != null; i++) {
            startNow(pending.thread, pending.onFailure);
        }
    }

    /** Starts the thread, or tells its owner it could not start; never throws. */
    private static void startNow(Thread thread, Consumer<Throwable> onFailure) {
        try {
            thread.start();
        } catch (RuntimeException | Error e) {
            tellFailure(onFailure, e);
        }
    }

    /**
     * Tells the owner that its thread could not start, as often as it takes: the owner closes the thread's connection
     * and gives back its place, which nothing else would do. A thread mostly fails to start for want of memory, and
     * the owner's handling may then fail the same way (a {@code LinkageError} when a call site could not be linked).
     */
    private static void tellFailure(Consumer<Throwable> onFailure, Throwable failure) {
        while (true) {
            try {
                onFailure.accept(failure);
                return;
            } catch (OutOfMemoryError | LinkageError stillShort) {
                LockSupport.parkNanos(RETRY_NANOS);
            } catch (RuntimeException ownersDefect) {
                return; // nothing more can be done for this one; the relay and the resumers go on
            }
        }
    }
}
