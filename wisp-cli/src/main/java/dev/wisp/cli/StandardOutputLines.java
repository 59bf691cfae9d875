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
import java.util.function.Consumer;

/**
 * The access log's lines on standard output, each written whole in one write or dropped. {@link PrintStream} keeps
 * what a failed write left in its buffer and writes it again in front of the next line, so a disk that fills up and
 * frees again left a line cut in two, the next glued to its first half, and no word of the lines lost. Here a line that
 * cannot be written is dropped and counted; the trouble is told once on standard error as it starts and once as it
 * ends, with the count; and a line a failed write may have cut is ended before the next (an empty line, should the
 * write have taken nothing of it). Thread-safe: lines of many exchanges are written one at a time.
 */
final class StandardOutputLines implements Consumer<String> {
    private static final System.Logger LOG = System.getLogger(StandardOutputLines.class.getName());

    private final OutputStream out;
    private final Charset charset;
    private final Outage outage = new Outage();
    private boolean mayBeCut;
    private long dropped;

    StandardOutputLines(OutputStream out, Charset charset) {
        this.out = out;
        this.charset = charset;
    }

    /**
     * Where lines printed to {@code out} go: straight to the file of standard output if {@code out} is the process's
     * {@link System#out}, else to {@code out} as it is (a test's).
     */
    static Consumer<String> to(PrintStream out) {
        if (out != System.out) {
            return out::println;
        }
        return new StandardOutputLines(new FileOutputStream(FileDescriptor.out), out.charset());
    }

    @Override
    public synchronized void accept(String line) {
        byte[] bytes = ((mayBeCut ? "\n" : "") + line + "\n").getBytes(charset);
        try {
            out.write(bytes);
        } catch (IOException e) {
            mayBeCut = true;
            dropped++;
            if (outage.starts()) {
                LOG.log(WARNING, "cannot write the access log to standard output: " + e.getMessage()
                        + "; its lines are dropped until it can");
            }
            return;
        }
        mayBeCut = false;
        if (outage.ends()) {
            LOG.log(INFO, "the access log is written to standard output again; " + dropped
                    + (dropped == 1 ? " line was" : " lines were") + " dropped");
            dropped = 0;
        }
    }
}
