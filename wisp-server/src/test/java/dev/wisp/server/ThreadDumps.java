package dev.wisp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wisp.testing.PeerTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Counts what this JVM's threads are doing, virtual ones included, from a dump ({@code jcmd Thread.dump_to_file}). */
final class ThreadDumps {
    private ThreadDumps() {
    }

    /**
     * How many threads have a frame whose line contains the text, such as {@code "Http2ServerConnection.serve("}.
     *
     * @param dump where the dump goes: a file that does not exist yet
     */
    static long threadsIn(String frame, Path dump) throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        PeerTools.Result result = PeerTools.run(Duration.ofSeconds(30), List.of(jcmd.toString(),
                Long.toString(ProcessHandle.current().pid()), "Thread.dump_to_file", "-format=text", dump.toString()));
        assertEquals(0, result.exitCode(), result.stderr());
        return Files.readAllLines(dump).stream().filter(line -> line.contains(frame)).count();
    }
}
