package dev.wisp.transport;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLEngine;

/**
 * Runs an engine's delegated tasks: the key exchange and signature of a handshake, the costly part of TLS.
 *
 * <p>A virtual thread hands them to a small pool of platform threads and waits, rather than running them on its
 * carrier, whenever that carrier has other work: while connections are busy ({@link CarrierLoad}), another
 * handshake is in progress or another task is running. Virtual threads are not preempted: a carrier busy with a
 * burst of new connections' key exchanges (milliseconds each before the JIT has warmed them) would hold up every
 * connection that is already open, and their reads too, since the JDK wakes readers from a poller that must wait
 * for the carrier. On platform threads the operating system shares the cores between the key exchanges and
 * everything else. When there is nothing to hold up, the virtual thread runs the task in place and saves the two
 * hand-overs between threads (measured: 3-5% more resumed handshakes a second, one client after another). A
 * platform thread (a client's own) runs them in place too.
 *
 * <p>Two pools: one for a handshake's first task (a server's answer to the ClientHello, with its key exchange and
 * signature; a client's processing of the server's flight), one for the tasks after it. A burst of new connections
 * fills the first with costly work; a handshake that has come that far then finishes on the second at once instead
 * of queueing behind every newer one (measured before: a client's first request waited up to 1.6 s behind the
 * key exchanges of connections opened after it). The waiting thread is woken through {@link PlatformWakeups}
 * ({@link PlatformThreadCalls}). A pool's threads start at its first tasks; should no thread start then (a limit on
 * the process's threads), a task runs in place instead, and the handshake goes on.
 */
final class TlsTasks {
    private static final int THREADS = Math.max(1, Runtime.getRuntime().availableProcessors());
    private static final ExecutorService OPENING = Executors.newFixedThreadPool(THREADS,
            Thread.ofPlatform().name("wisp-tls-task-opening-", 0).daemon().factory());
    private static final ExecutorService FINISHING = Executors.newFixedThreadPool(THREADS,
            Thread.ofPlatform().name("wisp-tls-task-", 0).daemon().factory());

    /** The tasks virtual threads run now, in place or on a pool: one runs in place only if it is the only one. */
    private static final AtomicInteger RUNNING = new AtomicInteger();
    private static final AtomicLong POOLED = new AtomicLong();
    /** Handshakes in progress: while others are, a task does not run in place, where they would wait behind it. */
    private static final AtomicInteger HANDSHAKES = new AtomicInteger();

    private TlsTasks() {
    }

    /**
     * Runs the engine's pending tasks, the first ones of a handshake.
     *
     * @throws InterruptedIOException if the thread is interrupted while it waits (a connection being aborted)
     */
    static void runOpening(SSLEngine engine) throws InterruptedIOException {
        run(engine, OPENING);
    }

    /**
     * Runs the engine's pending tasks: a handshake's after its first, or a post-handshake message's.
     *
     * @throws InterruptedIOException if the thread is interrupted while it waits (a connection being aborted)
     */
    static void run(SSLEngine engine) throws InterruptedIOException {
        run(engine, FINISHING);
    }

    private static void run(SSLEngine engine, ExecutorService pool) throws InterruptedIOException {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            if (!Thread.currentThread().isVirtual()) {
                task.run();
            } else if (HANDSHAKES.get() <= 1 && !CarrierLoad.isBusy() && RUNNING.compareAndSet(0, 1)) {
                try {
                    task.run();
                } finally {
                    RUNNING.decrementAndGet();
                }
            } else {
                RUNNING.incrementAndGet();
                try {
                    POOLED.incrementAndGet();
                    runOn(pool, task);
                } finally {
                    RUNNING.decrementAndGet();
                }
            }
        }
    }

    /** A handshake began; see {@link #HANDSHAKES}. */
    static void handshakeStarted() {
        HANDSHAKES.incrementAndGet();
    }

    /** A handshake ended, done or failed. */
    static void handshakeEnded() {
        HANDSHAKES.decrementAndGet();
    }

    /** How many tasks went to a pool so far; for tests. */
    static long pooled() {
        return POOLED.get();
    }

    private static void runOn(ExecutorService pool, Runnable task) throws InterruptedIOException {
        try {
            PlatformThreadCalls.callHereIfRefused(pool, () -> {
                task.run();
                return null;
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            InterruptedIOException interrupted = new InterruptedIOException("interrupted during a TLS handshake");
            interrupted.initCause(e);
            throw interrupted;
        } catch (IOException e) {
            throw new IllegalStateException("a delegated task cannot throw an IOException", e);
        }
    }
}
