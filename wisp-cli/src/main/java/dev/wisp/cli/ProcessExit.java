package dev.wisp.cli;

/**
 * Ends the process at once when a short command ({@code get}, {@code ws}, help) is done. This is the Java 21 class
 * of a multi-release jar: it cannot, and leaves the exit to the JVM. The jar's {@code META-INF/versions/22} holds one
 * that skips the JVM's wait at exit for threads blocked in native calls (the JDK's own poller among them), a third of
 * a second.
 */
final class ProcessExit {
    private ProcessExit() {
    }

    /** Ends the process with the exit code where it can; returns where it cannot, for the JVM to exit its own way. */
    static void endAtOnce(int code) {
    }

    /** Nothing to link here: see {@link #endAtOnce}. */
    static void link() {
    }
}
