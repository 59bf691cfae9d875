package dev.wisp.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Locale;

/** Copies a response body to a file, drawing a progress line on stderr when it goes to a terminal. */
final class Progress {
    private static final long REDRAW_NANOS = 200_000_000;

    private Progress() {
    }

    /** Copies the body, of {@code total} bytes as received (-1: not known), drawing its progress if {@code show}. */
    static long copy(InputStream source, long total, OutputStream target, boolean show, PrintStream err)
            throws IOException {
        long copied = 0;
        long drawn = 0;
        byte[] buffer = new byte[64 * 1024];
        try (InputStream body = source) {
            int n;
            while ((n = body.read(buffer)) >= 0) {
                target.write(buffer, 0, n);
                copied += n;
                if (show && System.nanoTime() - drawn > REDRAW_NANOS) {
                    draw(err, copied, total);
                    drawn = System.nanoTime();
                }
            }
        }
        if (show) {
            draw(err, copied, total);
            err.println();
        }
        return copied;
    }

    private static void draw(PrintStream err, long copied, long total) {
        String amount = mebibytes(copied) + (total > 0 ? " of " + mebibytes(total) : "");
        if (total > 0) {
            int width = 30;
            int filled = (int) (width * copied / total);
            err.print("\r[" + "#".repeat(filled) + " ".repeat(width - filled) + "] "
                    + (100 * copied / total) + "% " + amount);
        } else {
            err.print("\r" + amount);
        }
        err.flush();
    }

    private static String mebibytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }
}
