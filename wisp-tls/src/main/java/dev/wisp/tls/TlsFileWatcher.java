package dev.wisp.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Reloads a {@link TlsContext} when one of its files changes: one daemon thread compares each file's
 * modification time and size every interval. Polling rather than a {@code WatchService}, because rotation tools
 * replace files through renames and symbolic links (Kubernetes secrets), which directory events report unevenly
 * across platforms, and a poll of a few files is cheap.
 *
 * <p>A failed reload keeps the material in use and is kept in {@link TlsContext#lastReloadFailure()}. Bad
 * material is logged at WARNING by {@link TlsContext#reload()}; the next change tries again. Any other failure of a
 * look at the files or of a reload (a {@code RuntimeException} from a key store's provider, an
 * {@code OutOfMemoryError}) does not end the watching: it is logged at WARNING, the first of a run of them only, and
 * the next interval tries the same change again. {@link #close()} stops the thread and waits for it. Thread-safe.
 *
 * <p>The wait between looks is a {@code Condition.awaitNanos}. Short of memory for its node, the JDK's
 * {@code AbstractQueuedSynchronizer} (as of JDK 25) does not throw and does not block for good: it releases the
 * lock, sleeps 10 ms, takes the lock back by polling it with a backoff of at most about a second, and returns the
 * time left less those 10 ms. The lock is held only for a few field updates, so the wait ends, a little early.
 */
public final class TlsFileWatcher implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(TlsFileWatcher.class.getName());

    private final TlsContext context;
    private final List<Path> files;
    private final long intervalNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition closing = lock.newCondition();
    private final Thread thread;
    /** The files' state when watching began, taken on the caller's thread: a change right after start counts. */
    private final List<String> initial;
    private boolean closed;
    private int reloads;

    private TlsFileWatcher(TlsContext context, Duration interval) {
        this.context = context;
        this.files = context.config().files();
        this.intervalNanos = interval.toNanos();
        this.initial = snapshot();
        this.thread = Thread.ofPlatform().daemon().name("wisp-tls-watch").unstarted(this::run);
    }

    static TlsFileWatcher start(TlsContext context, Duration interval) {
        Objects.requireNonNull(interval, "interval");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive, was " + interval);
        }
        TlsFileWatcher watcher = new TlsFileWatcher(context, interval);
        watcher.thread.start();
        return watcher;
    }

    /** The files watched. */
    public List<Path> files() {
        return files;
    }

    /** How many reloads this watcher started, successful or not. */
    public int reloadCount() {
        lock.lock();
        try {
            return reloads;
        } finally {
            lock.unlock();
        }
    }

    /** Stops watching and waits for the thread to end. */
    @Override
    public void close() throws InterruptedException {
        lock.lock();
        try {
            closed = true;
            closing.signalAll();
        } finally {
            lock.unlock();
        }
        thread.join();
    }

    private void run() {
        List<String> seen = initial;
        boolean failing = false;
        while (waitInterval()) {
            try {
                seen = poll(seen);
                failing = false;
            } catch (RuntimeException | Error e) {
                // The files' state stays as last seen, so the next interval tries this change again.
                warn(e, failing);
                failing = true;
            }
        }
    }

    /**
     * Looks at the files once and reloads if they changed since {@code seen}.
     *
     * @return the state to compare the next look with: the new one once a reload has been made, even a failed
     *     one ({@link TlsConfigException}: the next change tries again)
     */
    private List<String> poll(List<String> seen) {
        List<String> now = snapshot();
        if (now.equals(seen)) {
            return seen;
        }
        lock.lock();
        try {
            reloads++;
        } finally {
            lock.unlock();
        }
        try {
            context.reload();
        } catch (TlsConfigException e) {
            LOG.log(System.Logger.Level.DEBUG, "reload after a file change failed; waiting for the next change");
        }
        return now;
    }

    /**
     * Logs an unexpected failure at WARNING, or at DEBUG when the look before failed too, so that a failure that
     * lasts logs once and not at every interval.
     */
    private static void warn(Throwable failure, boolean repeated) {
        try {
            LOG.log(repeated ? System.Logger.Level.DEBUG : System.Logger.Level.WARNING,
                    "looking at the TLS files or reloading them failed; trying again at the next interval", failure);
        } catch (RuntimeException | Error e) {
            // Logging failed too (a full heap leaves no room for the record): watching matters more than the line.
        }
    }

    /** Waits one interval; false once closed. */
    private boolean waitInterval() {
        lock.lock();
        try {
            long left = intervalNanos;
            while (!closed && left > 0) {
                left = closing.awaitNanos(left);
            }
            return !closed;
        } catch (InterruptedException e) {
            return false;
        } finally {
            lock.unlock();
        }
    }

    private List<String> snapshot() {
        List<String> state = new ArrayList<>();
        for (Path file : files) {
            try {
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                state.add(attributes.lastModifiedTime().toMillis() + "/" + attributes.size());
            } catch (IOException e) {
                state.add("missing");
            }
        }
        return state;
    }
}
