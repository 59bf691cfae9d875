package dev.wisp.cli;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import dev.wisp.core.Outage;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The access log's lines on standard output, written by a thread of their own, each whole in one write or dropped.
 *
 * <p>The exchanges only queue their lines: a standard output that stops taking them (a pipe into a pager nobody
 * scrolls, a terminal on hold) would otherwise stop every exchange that logs, its connection's next request
 * included, with a thread and a connection held for each. At most {@link #MAX_QUEUED_CHARS} wait; a line past that is
 * dropped and counted. {@link PrintStream} keeps what a failed write left in its buffer and writes it again in front
 * of the next line, so a disk that fills up and frees again left a line cut in two, the next glued to its first half,
 * and no word of the lines lost. Here a line that cannot be written is dropped and counted too, and one a failed write
 * may have cut is ended before the next (an empty line, should the write have taken nothing of it). The trouble is
 * told once on standard error as it starts and once, with the count, as it ends (the writer has caught up), or, if it
 * never does, when the server stops ({@link #finish}).
 *
 * <p>Thread-safe: any thread may queue a line.
 */
final class StandardOutputLines implements Consumer<String> {
    private static final System.Logger LOG = System.getLogger(StandardOutputLines.class.getName());
    /** What may wait for standard output: a megabyte or two of heap, some thousands of lines. */
    static final long MAX_QUEUED_CHARS = 1 << 20;
    /** The one for the process's standard output, once made. */
    private static StandardOutputLines standardOutput;

    private final OutputStream out;
    private final Charset charset;
    /** Lines, and the latches of those waiting for the lines queued before them to be written. */
    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final AtomicLong queuedChars = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final Outage outage = new Outage();
    /** Whether the last write failed and may have left part of its line (the writer's own). */
    private boolean mayBeCut;

    StandardOutputLines(OutputStream out, Charset charset) {
        this.out = out;
        this.charset = charset;
        Thread writer = new Thread(this::writeLines, "wisp-access-log");
        writer.setDaemon(true);
        writer.start();
    }

    /**
     * Where lines printed to {@code out} go: the process's standard output, through its one writer, if {@code out} is
     * {@link System#out}, else {@code out} as it is (a test's).
     */
    static Consumer<String> to(PrintStream out) {
        if (out != System.out) {
            return out::println;
        }
        synchronized (StandardOutputLines.class) {
            if (standardOutput == null) {
                standardOutput = new StandardOutputLines(new FileOutputStream(FileDescriptor.out), out.charset());
            }
            return standardOutput;
        }
    }

    /**
     * As the server stops: waits at most {@code wait} for the lines queued so far to be written, and tells of those
     * dropped if the trouble did not end; nothing if standard output was never written to.
     */
    static void finishStandardOutput(Duration wait) {
        StandardOutputLines lines;
        synchronized (StandardOutputLines.class) {
            lines = standardOutput;
        }
        if (lines != null) {
            lines.finish(wait);
        }
    }

    @Override
    public void accept(String line) {
        if (queuedChars.addAndGet(line.length()) > MAX_QUEUED_CHARS) {
            queuedChars.addAndGet(-line.length());
            drop("standard output does not take the access log's lines as fast as they come (a pipe nobody"
                    + " reads?); lines past " + MAX_QUEUED_CHARS / 1024 + " Ki characters waiting are dropped");
            return;
        }
        queue.add(line);
    }

    /** Waits at most this long for the lines queued so far, then tells of those dropped if the trouble lasts. */
    void finish(Duration wait) {
        CountDownLatch finished = new CountDownLatch(1);
        queue.add(finished);
        boolean written = false;
        try {
            written = finished.await(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Unwritten: what still waits behind a write that hangs, this latch aside, and the line of that write.
        long lost = dropped.getAndSet(0) + (written ? 0 : queue.size());
        if (lost > 0) {
            LOG.log(WARNING, "the access log could not all be written to standard output; " + lines(lost)
                    + " dropped");
        }
    }

    private void writeLines() {
        try {
            while (true) {
                Object next = queue.take();
                if (next instanceof CountDownLatch finished) {
                    finished.countDown();
                } else if (next instanceof String line) {
                    queuedChars.addAndGet(-line.length());
                    write(line);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void write(String line) {
        byte[] bytes = ((mayBeCut ? "\n" : "") + line + "\n").getBytes(charset);
        try {
            out.write(bytes);
        } catch (IOException e) {
            mayBeCut = true;
            drop("cannot write the access log to standard output: " + e.getMessage()
                    + "; its lines are dropped until it can");
            return;
        }
        mayBeCut = false;
        if (queue.isEmpty() && outage.ends()) {
            LOG.log(INFO, "the access log is written to standard output again; " + lines(dropped.getAndSet(0))
                    + " dropped");
        }
    }

    private void drop(String trouble) {
        dropped.incrementAndGet();
        if (outage.starts()) {
            LOG.log(WARNING, trouble);
        }
    }

    private static String lines(long count) {
        return count + (count == 1 ? " line was" : " lines were");
    }
}
