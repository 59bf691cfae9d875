package dev.wisp.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The CPU time a process has used (this JVM, or another one by PID), as the kernel counts it. */
public final class ProcessCpu {
    private ProcessCpu() {
    }

    /** utime + stime from {@code /proc/self/stat}, in clock ticks ({@code getconf CLK_TCK} per second). */
    public static long ticks() throws IOException {
        return ticks(Path.of("/proc/self/stat"));
    }

    /** The same for another process: the server a load generator measures, say. */
    public static long ticks(long pid) throws IOException {
        return ticks(Path.of("/proc", Long.toString(pid), "stat"));
    }

    private static long ticks(Path statFile) throws IOException {
        String stat = Files.readString(statFile);
        // The command name (field 2) may hold spaces and parentheses: count fields after its closing ')'.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }
}
