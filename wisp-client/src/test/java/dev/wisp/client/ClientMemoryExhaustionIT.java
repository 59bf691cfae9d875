package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.testing.ThreadDumps;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A client whose heap fills up while calls are under way, and stays full for a while: once memory is back, each call
 * has ended, in a response or a typed failure (an {@link OutOfMemoryError} counts as one), none hangs; the client
 * works again by itself, and no connection stays checked out of its pool for good: once the calls after are done,
 * every connection open is idle in the pool. The client runs in a child JVM with a small heap
 * ({@link LowMemoryClient}), its calls on platform threads made before the heap fills (a virtual thread that parks
 * under a full heap may never be scheduled again on JDK 25, whatever the client does); the server is this JVM's, and
 * answers with a body large enough that reading it needs memory; plaintext and over TLS, where records are decrypted
 * into the full heap; over HTTP/1.1, a connection per call, and over HTTP/2 (h2c and h2), where the calls share a
 * connection whose reading thread hands each stream its frames, and whose end must end every stream on it.
 */
@Execution(ExecutionMode.CONCURRENT) // beside the other classes: it mostly waits, on a client in a process of its own
@ResourceLock(ChildClient.FULL_HEAP)
class ClientMemoryExhaustionIT {
    private static final int BODY_BYTES = ChildClient.BODY_BYTES;
    private static final int CALLS = 12;
    /** How long the heap stays full while the calls go on. */
    private static final Duration FULL = Duration.ofSeconds(3);
    private static final int PER_ORIGIN = 2;
    private static final Pattern OUTCOMES =
            Pattern.compile("ok (\\d+) io (\\d+) error (\\d+) other (\\d+) running (\\d+)");

    @AutoClose
    private ChildClient child;

    @ParameterizedTest(name = "{0}")
    @EnumSource(ChildClient.Wire.class)
    void callsUnderAFullHeapEndAndTheClientServesAgainOnceMemoryIsBack(ChildClient.Wire wire,
            @TempDir Path directory) throws Exception {
        child = ChildClient.start(wire, directory, "48m", PER_ORIGIN, CALLS);
        assertEquals("client made", child.command("c"));
        assertEquals("status 200 " + BODY_BYTES, child.command("b"), "every class the calls need loaded");
        assertEquals("armed", child.command("a"));

        assertEquals("F", child.command("f"));
        assertEquals("X", child.command("x"));
        Thread.sleep(FULL.toMillis());
        assertEquals("R", child.command("r"));
        String waited = child.command("w");
        String outcomes = child.command("o");
        assertEquals("W", waited, () -> "calls still under way 30 s after memory came back: " + outcomes);
        Matcher counts = OUTCOMES.matcher(outcomes);
        assertTrue(counts.matches(), outcomes);
        assertEquals("0", counts.group(4), () -> "each call ends in a response or a typed failure: " + outcomes);
        assertTrue(Integer.parseInt(counts.group(1)) < CALLS, () -> "the full heap met none of the calls: " + outcomes);

        for (int i = 0; i < 3 * PER_ORIGIN; i++) {
            int call = i;
            assertEquals("status 200 " + BODY_BYTES, child.command("b"),
                    () -> "call " + call + " after memory came back; " + connectionsQuietly(directory));
        }
        assertEquals("status 200 5", child.command("s"));
        String connections = child.command("n");
        assertTrue(connections.matches("open ([1-" + PER_ORIGIN + "]) idle \\1"),
                () -> "every connection open is back in the pool, none checked out for good: " + connections);
    }

    /** The client's connections, log and threads, for a failure's message. */
    private String connectionsQuietly(Path directory) {
        try {
            String connections = child.command("n");
            List<String> threads = ThreadDumps.threadsNamed("wisp-", child.pid(), directory.resolve("dump.txt"));
            return connections + "; the client's log: " + child.logLines() + "; its threads:\n"
                    + String.join("\n\n", threads);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(interrupted)";
        } catch (Exception e) {
            return "(no dump: " + e + ")";
        }
    }
}
