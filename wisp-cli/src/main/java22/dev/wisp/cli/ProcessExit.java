package dev.wisp.cli;

import java.io.File;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * Ends the process when a short command ({@code get}, {@code ws}, help) is done, without the JVM's wait at exit: the
 * JVM waits up to 300 ms for every thread blocked in a native call to come back, and the JDK's poller, which wakes
 * virtual threads waiting on sockets, sits in one for the whole life of any process that used a socket so. That was
 * a third of {@code wisp get}'s time. With standard output and standard error flushed (the commands close their own
 * files before they return, and have no shutdown hook), the C library's {@code _exit} ends the process at once.
 *
 * <p>Only where the JVM grants this code native access without a warning: started as {@code java -jar} (and so
 * {@code bin/wisp}), whose manifest grants it. Started some other way, or if the call cannot be made, the process
 * exits the JVM's way.
 */
@SuppressWarnings("restricted")
final class ProcessExit {
    private ProcessExit() {
    }

    /** Ends the process with the exit code where it can; returns where it cannot, for the JVM to exit its own way. */
    static void endAtOnce(int code) {
        System.out.flush();
        System.err.flush();
        if (System.out.checkError() || System.err.checkError() || !startedAsJar()) {
            return;
        }
        exitCall().ifPresent(exit -> {
            try {
                exit.invokeExact(code);
            } catch (Throwable e) {
                // the JVM's way, then
            }
        });
    }

    /**
     * Links the call without making it: the startup cache's training run ({@link StartupTraining}) ends the JVM's way,
     * which is when the cache is written, and the link is most of this class's cost at exit.
     */
    static void link() {
        exitCall();
    }

    private static Optional<MethodHandle> exitCall() {
        try {
            Linker linker = Linker.nativeLinker();
            return linker.defaultLookup().find("_exit")
                    .map(address -> linker.downcallHandle(address, FunctionDescriptor.ofVoid(ValueLayout.JAVA_INT)));
        } catch (RuntimeException | LinkageError e) {
            return Optional.empty();
        }
    }

    /**
     * Whether the JVM was started as {@code java -jar}: the launcher then makes the jar the whole class path and
     * names it first in the command it records, and the jar's manifest grants native access.
     */
    private static boolean startedAsJar() {
        String classPath = System.getProperty("java.class.path", "");
        String command = System.getProperty("sun.java.command", "");
        return classPath.endsWith(".jar") && !classPath.contains(File.pathSeparator)
                && (command.equals(classPath) || command.startsWith(classPath + " "));
    }
}
