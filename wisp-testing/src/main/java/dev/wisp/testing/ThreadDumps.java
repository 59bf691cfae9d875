package dev.wisp.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/** Counts what this JVM's threads are doing, virtual ones included, from a dump ({@code jcmd Thread.dump_to_file}). */
public final class ThreadDumps {
    private ThreadDumps() {
    }

    /**
     * How many threads have a frame whose line contains the text, such as {@code "Http2ServerConnection.serve("}.
     *
     * @param dump where the dump goes: a file that does not exist yet
     */
    public static long threadsIn(String frame, Path dump) throws Exception {
        return threadsIn(frame, "", dump);
    }

    /**
     * Takes dumps until no thread has a frame whose line contains the text, or the time is up, for a wait that a
     * loaded machine may take longer to reach than a fixed sleep allows: the count of the last dump.
     *
     * @param folder where the dumps go, as {@code name-0.txt}, {@code name-1.txt}, ...
     */
    public static long awaitNoneIn(String frame, Path folder, String name, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        for (int i = 0; ; i++) {
            long count = threadsIn(frame, folder.resolve(name + "-" + i + ".txt"));
            if (count == 0 || System.nanoTime() - deadline > 0) {
                return count;
            }
            Thread.sleep(100);
        }
    }

    /**
     * How many threads whose name begins with the prefix have a frame whose line contains the text: in a JVM where
     * a server's threads run beside a client's, those of one side.
     *
     * @param dump where the dump goes: a file that does not exist yet
     */
    public static long threadsIn(String frame, String namePrefix, Path dump) throws Exception {
        return threadsNamed(namePrefix, ProcessHandle.current().pid(), dump).stream()
                .filter(thread -> thread.contains(frame))
                .count();
    }

    /**
     * The threads of a JVM, this one or another, whose name begins with the prefix: each its header line ("#12
     * \"name\" virtual WAITING ...") and its frames, for a failure's message.
     *
     * @param dump where the dump goes: a file that does not exist yet
     */
    public static List<String> threadsNamed(String namePrefix, long pid, Path dump) throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        PeerTools.Result result = PeerTools.run(Duration.ofSeconds(30), List.of(jcmd.toString(),
                Long.toString(pid), "Thread.dump_to_file", "-format=text", dump.toString()));
        assertEquals(0, result.exitCode(), result.stderr());
        String quotedName = "\"" + namePrefix;
        // One thread a block: a header line, then its frames.
        return Arrays.stream(Files.readString(dump).split("\n\\s*\n"))
                .map(String::strip)
                .filter(thread -> thread.startsWith("#")
                        && thread.lines().findFirst().orElseThrow().contains(quotedName))
                .toList();
    }
}
