package dev.wisp.server.internal;

import static java.lang.System.Logger.Level.WARNING;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What exchanges in flight asked to run when the server starts to stop ({@code ServerRequest.onServerStop}): a
 * response that streams without end (an event stream) ends itself, instead of holding the stop for its whole grace
 * period. Each action runs on a virtual thread of its own, since ending a response writes to a client that may be
 * slow to read; an action registered once the stop has begun runs at once.
 *
 * <p>Thread-safe.
 */
final class StopActions {
    private static final System.Logger LOG = System.getLogger(StopActions.class.getName());

    private final Set<Runnable> actions = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;

    /** Adds the action; runs it now if the server is stopping already. */
    void add(Runnable action) {
        actions.add(action);
        if (stopping && actions.remove(action)) {
            start(action);
        }
    }

    /** Takes the action back: its exchange ended. */
    void remove(Runnable action) {
        actions.remove(action);
    }

    /** The server starts to stop: runs every action registered, and those registered from now on. */
    void runAll() {
        stopping = true;
        for (Runnable action : actions) {
            if (actions.remove(action)) {
                start(action);
            }
        }
    }

    private static void start(Runnable action) {
        try {
            Thread.ofVirtual().name("wisp-stop-action").start(() -> {
                try {
                    action.run();
                } catch (RuntimeException e) {
                    LOG.log(WARNING, "an action run as the server stops failed", e);
                }
            });
        } catch (RuntimeException | Error e) {
            LOG.log(WARNING, "an action run as the server stops could not start: " + e);
        }
    }
}
