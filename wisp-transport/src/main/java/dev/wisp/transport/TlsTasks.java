package dev.wisp.transport;

import java.io.InterruptedIOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import javax.net.ssl.SSLEngine;

/**
 * Runs an engine's delegated tasks: the key exchange and signature of a handshake, the costly part of TLS.
 *
 * <p>A virtual thread hands them to a small pool of platform threads and waits, rather than running them on its
 * carrier. Virtual threads are not preempted: a carrier busy with a burst of new connections' key exchanges
 * (milliseconds each before the JIT has warmed them) would hold up every connection that is already open, and
 * their reads too, since the JDK wakes readers from a poller that must wait for the carrier. On platform threads
 * the operating system shares the cores between the key exchanges and everything else. A platform thread (a
 * client's own) runs them in place.
 */
final class TlsTasks {
    private static final ExecutorService POOL = Executors.newFixedThreadPool(
            Math.max(1, Runtime.getRuntime().availableProcessors()), daemonThreads());

    private TlsTasks() {
    }

    /**
     * Runs the engine's pending tasks.
     *
     * @throws InterruptedIOException if the thread is interrupted while it waits (a connection being aborted)
     */
    static void run(SSLEngine engine) throws InterruptedIOException {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            if (!Thread.currentThread().isVirtual()) {
                task.run();
                continue;
            }
            Future<?> done = POOL.submit(task);
            try {
                done.get();
            } catch (InterruptedException e) {
                done.cancel(true);
                Thread.currentThread().interrupt();
                InterruptedIOException interrupted = new InterruptedIOException("interrupted during a TLS handshake");
                interrupted.initCause(e);
                throw interrupted;
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException runtime) {
                    throw runtime;
                }
                if (cause instanceof Error error) {
                    throw error;
                }
                throw new IllegalStateException(cause);
            }
        }
    }

    private static ThreadFactory daemonThreads() {
        return Thread.ofPlatform().name("wisp-tls-task-", 0).daemon().factory();
    }
}
