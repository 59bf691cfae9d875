package dev.wisp.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The CPU time this JVM has used, as the kernel counts it for any process. */
public final class ProcessCpu {
    private static final Path STAT = Path.of("/proc/self/stat");

    private ProcessCpu() {
    }

    /** utime + stime from {@code /proc/self/stat}, in clock ticks ({@code getconf CLK_TCK} per second). */
    public static long ticks() throws IOException {
        String stat = Files.readString(STAT);
        // The command name (field 2) may hold spaces and parentheses: count fields after its closing ')'.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }
}
