package dev.wisp.server.internal;

import static java.lang.System.Logger.Level.DEBUG;

import dev.wisp.transport.InputWatcher;
import java.io.IOException;

/**
 * The lingering close of a connection evicted to make room, whose goodbye and half-close another thread sends
 * ({@link ServerConnection#evict}): as {@link LingeringClose} does, it reads and drops what the peer still sends until
 * its end of the stream, for {@code lingerTimeout} and {@code maxLingerBytes} at most, then closes, but waits through
 * the {@link InputWatcher}, so that no thread waits for each of the evicted connections at once. The registry bounds
 * how many linger so; the connection gave its slot back when it was evicted.
 *
 * <p>Runs on the connection's thread, one turn after another: each turn drops what has arrived and hands the wait
 * back to the watcher. The time limit is a read deadline, which the sweeper enforces by shutting the input and
 * ending the watcher's wait, as for every other read.
 */
final class EvictedLinger implements Runnable {
    private static final System.Logger LOG = System.getLogger(EvictedLinger.class.getName());

    private final ServerConnection connection;
    private final long deadlineNanos;
    private final long maxBytes;
    private long dropped;

    /** Begins the lingering on the connection's reading thread. */
    EvictedLinger(ServerConnection connection) {
        this.connection = connection;
        this.deadlineNanos = System.nanoTime() + connection.context.config().lingerTimeout().toNanos();
        this.maxBytes = connection.context.config().maxLingerBytes();
        connection.transport.readDeadline(deadlineNanos); // after whatever the reading thread set before
    }

    /** One turn: drops what has arrived, then waits for more without a thread, or closes. */
    @Override
    public void run() {
        connection.onThisThread();
        String outcome;
        try {
            long n = connection.transport.discardArrived(maxBytes - dropped);
            if (n >= 0) {
                dropped += n;
                if (dropped >= maxBytes) {
                    outcome = "lingered: more than " + maxBytes + " bytes (maxLingerBytes)";
                } else if (connection.waitWithoutThread(this)) {
                    return;
                } else {
                    // No watcher, or part of a TLS record is here: the rest of the wait on this thread.
                    outcome = LingeringClose.linger(connection.transport, deadlineNanos - System.nanoTime(),
                            maxBytes - dropped);
                }
            } else {
                outcome = connection.isTimedOut() ? "lingered: lingerTimeout passed"
                        : "lingered: " + dropped + " bytes dropped";
            }
        } catch (IOException | RuntimeException e) {
            outcome = "lingered: " + e.getMessage();
        }
        end(outcome);
    }

    private void end(String outcome) {
        LOG.log(DEBUG, () -> "[c" + connection.id() + "] evicted; " + outcome);
        connection.close(ServerConnection.EVICTED_REASON);
    }
}
