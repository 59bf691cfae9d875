package dev.wisp.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The lines of a child process's output stream, read by a virtual thread of their own as they come, so a test
 * waits for a line with a timeout and the child never blocks on a full pipe.
 *
 * <p>One test thread waits for lines; the reading thread only adds them.
 */
public final class OutputLines {
    private final BlockingQueue<String> pending = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();

    private OutputLines() {
    }

    /** Starts reading the stream, as UTF-8, until it ends. */
    public static OutputLines follow(InputStream stream) {
        OutputLines lines = new OutputLines();
        // A platform thread: a read of a process's pipe holds a virtual thread's carrier for as long as it waits (the
        // JDK adds no carrier for it), so the two readers of one child process held both carriers of a 2-core
        // machine and no virtual thread of the test ran again (TestsslIT's scans, waiting in Process.waitFor).
        Thread.ofPlatform().daemon().name("output-lines").start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    lines.pending.add(line);
                }
            } catch (IOException e) {
                lines.pending.add("(reading the output failed: " + e + ")");
            }
        });
        return lines;
    }

    /** Waits for the next line that matches, skipping others; null if none came within the timeout. */
    public String poll(Predicate<String> match, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (String line; (line = pending.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) != null; ) {
            seen.add(line);
            if (match.test(line)) {
                return line;
            }
        }
        return null;
    }

    /**
     * Waits for the next line that contains the text.
     *
     * @throws AssertionError if none came within the timeout; the message shows the lines seen
     */
    public String await(String text, Duration timeout) throws InterruptedException {
        String line = poll(candidate -> candidate.contains(text), timeout);
        if (line == null) {
            throw new AssertionError("no line with '" + text + "' within " + timeout + "; seen: " + seen());
        }
        return line;
    }

    /** Every line read so far, those not yet waited for included, in order. */
    public List<String> seen() {
        pending.drainTo(seen);
        return List.copyOf(seen);
    }
}
