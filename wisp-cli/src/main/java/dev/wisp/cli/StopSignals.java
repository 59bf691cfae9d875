package dev.wisp.cli;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import sun.misc.Signal;

/**
 * Turns the first SIGINT, SIGTERM or SIGHUP into a request for a graceful stop, and any later one into a stop at
 * once.
 *
 * <p>Why signals and not a shutdown hook: the JDK runs its shutdown hooks at the same time, and java.util.logging's
 * own hook resets the log handlers, so what the server logs while it stops in a hook (that it stopped listening,
 * that busy connections were cut) is mostly lost. And a second Ctrl-C during the hooks does nothing. So the stop
 * happens before the JVM exits, on the thread that waits in {@link #awaitFirst()}, with logging intact. The JDK
 * has no public signal API; {@code sun.misc.Signal} (module {@code jdk.unsupported}) is the supported stand-in.
 *
 * <p>Handlers run on threads the JDK starts per signal; {@link #awaitFirst()} may be called from any thread.
 */
final class StopSignals {
    private static final List<String> NAMES = List.of("INT", "TERM", "HUP");

    private final CountDownLatch first = new CountDownLatch(1);
    private final AtomicInteger received = new AtomicInteger();
    private volatile IntConsumer atOnce = signal -> Runtime.getRuntime().halt(exitCode(signal));
    private boolean installed;

    private StopSignals() {
    }

    /**
     * Handles the stop signals from now on: install before the server starts, so that no signal finds the JVM's
     * own handling in place once the server is up.
     */
    static StopSignals install() {
        StopSignals signals = new StopSignals();
        for (String name : NAMES) {
            try {
                Signal.handle(new Signal(name), signals::received);
                signals.installed = true;
            } catch (IllegalArgumentException e) {
                // Not on this platform, or reserved (java -Xrs): that signal keeps the JVM's own handling.
            }
        }
        return signals;
    }

    /** Whether any signal could be handled; if none, only a shutdown hook will see the JVM stop. */
    boolean isInstalled() {
        return installed;
    }

    /**
     * What to do for each signal after the first, given its number; until this is called, the JVM halts with the
     * exit code {@link #exitCode}.
     */
    void onRepeated(IntConsumer atOnce) {
        this.atOnce = atOnce;
    }

    /** The shell's exit code for death by a signal, 128 plus its number (130 for SIGINT), for a stop at once. */
    static int exitCode(int signal) {
        return 128 + signal;
    }

    /** Blocks until the first stop signal. */
    void awaitFirst() throws InterruptedException {
        first.await();
    }

    private void received(Signal signal) {
        if (received.incrementAndGet() == 1) {
            first.countDown();
        } else {
            atOnce.accept(signal.getNumber());
        }
    }
}
