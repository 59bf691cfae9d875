package dev.wisp.server.internal;

import static java.lang.System.Logger.Level.ERROR;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Tells of a connection's thread that ended with an uncaught error, which every path of a connection catches, so
 * that it is a bug or a failure of the JDK's own code under a full heap. The JVM's default handler prints to
 * standard error, and under a full heap only the first line came out ({@code Exception in thread "wisp-conn"}),
 * with nothing to tell where the error came from. Here it is logged with its trace; failing that, the first such
 * error is kept, without allocating, and logged when the sweeper frees the connection the thread left behind
 * ({@link ServerConnection#reclaim()}), by which time memory is mostly back.
 */
final class LostThreads implements Thread.UncaughtExceptionHandler {
    static final LostThreads HANDLER = new LostThreads();

    private static final System.Logger LOG = System.getLogger(ServerConnection.class.getName());
    private static final String MESSAGE = "a connection's thread ended with an uncaught error";
    private static final AtomicReference<Throwable> UNLOGGED = new AtomicReference<>();

    private LostThreads() {
    }

    @Override
    public void uncaughtException(Thread thread, Throwable e) {
        try {
            LOG.log(ERROR, MESSAGE, e);
        } catch (RuntimeException | Error stillShort) {
            UNLOGGED.compareAndSet(null, e);
        }
    }

    /** Logs the error kept because it could not be logged when its thread ended, if there is one. */
    static void logUnlogged() {
        Throwable kept = UNLOGGED.getAndSet(null);
        if (kept == null) {
            return;
        }
        try {
            LOG.log(ERROR, MESSAGE + " (logged late, memory was short)", kept);
        } catch (RuntimeException | Error stillShort) {
            UNLOGGED.compareAndSet(null, kept);
        }
    }
}
