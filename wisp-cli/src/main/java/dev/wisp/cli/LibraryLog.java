package dev.wisp.cli;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The log of the Wisp libraries a command runs, which java.util.logging prints to standard error: silenced while a
 * command runs with {@code -s}, so that nothing but what the user asked for is printed.
 */
final class LibraryLog {
    /** Held: java.util.logging keeps its loggers weakly, and a level set on one it let go would be lost. */
    private static final Logger WISP = Logger.getLogger("dev.wisp");

    private LibraryLog() {
    }

    /** Silences the libraries' log until the returned handle is closed, which puts the level back. */
    static Silenced silence() {
        Level before = WISP.getLevel();
        WISP.setLevel(Level.OFF);
        return new Silenced(before);
    }

    /** A silenced log, heard again once closed. */
    record Silenced(Level before) implements AutoCloseable {
        @Override
        public void close() {
            WISP.setLevel(before);
        }
    }
}
