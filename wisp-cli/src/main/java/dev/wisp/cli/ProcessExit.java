package dev.wisp.cli;

/**
 * Ends the process when a short command ({@code get}, {@code ws}, help) is done. This is the Java 21 class of a
 * multi-release jar: it exits as the JVM does. The jar's {@code META-INF/versions/22} holds one that skips the JVM's
 * wait at exit for threads blocked in native calls (the JDK's own poller among them), a third of a second.
 */
final class ProcessExit {
    private ProcessExit() {
    }

    /** Ends the process with the exit code, the JVM's way: a return from main for 0. */
    static void exit(int code) {
        if (code != 0) {
            System.exit(code);
        }
    }
}
