package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.testing.ThreadLimit;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A client that can start no thread ({@link LowMemoryClient} in a child JVM whose cgroup allows it no more threads
 * than it has once the client is made: a container's {@code pids.max} reached, or the system's {@code threads-max})
 * calls as before: calls made at once on virtual threads, each on a connection of its own over HTTP/1.1 (over TLS,
 * their handshakes at once, whose tasks go to a pool that starts its threads at its first tasks: those it cannot
 * start a thread for run on the calling thread), or sharing one over HTTP/2, whose reading thread waits with
 * timeouts (the JDK's timer thread started with the client). Once threads are back, it calls as before.
 */
class ClientThreadExhaustionIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final int CALLS = 8;
    private static final String REFUSED = "a pool of platform threads refused a call";

    @ParameterizedTest(name = "{0}")
    @EnumSource(ChildClient.Wire.class)
    void callsWhileNoThreadCanStartAndOnceThreadsAreBack(ChildClient.Wire wire, @TempDir Path directory) {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            try (ChildClient child = ChildClient.start(wire, directory, "64m", CALLS, CALLS);
                    ThreadLimit limit = ThreadLimit.of(child.pid())) {
                assertEquals("client made", child.command("c"));
                limit.reach();
                long threads = limit.threads();
                String allAnswered = String.join(" | ", Collections.nCopies(CALLS, "status 200 5"));
                assertEquals(allAnswered, child.command("v"), () -> "calls while no thread can start; log: "
                        + child.logLines());
                assertEquals(threads, limit.threads(), "no thread started");
                if (wire.tls && !wire.http2) {
                    assertTrue(limit.refusals() > 0, "the handshakes met the limit");
                    assertEquals(1, child.logLines().stream().filter(line -> line.contains(REFUSED)).count(),
                            () -> "one line tells of the refusals: " + child.logLines());
                }
                limit.lift();
                assertEquals(allAnswered, child.command("v"), () -> "calls once threads are back; log: "
                        + child.logLines());
            }
        });
    }

    /**
     * A socket with a priority is the client's own (native calls), whose blocking calls run on platform threads: with
     * none to start, a call fails with a typed error that says so, rather than hold a carrier for as long as it
     * blocks or fail with an {@link OutOfMemoryError}; once threads are back, calls go through.
     */
    @Test
    void callsOnSocketsWithAPriorityFailClearlyWhileNoThreadCanStart(@TempDir Path directory) {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            try (ChildClient child = ChildClient.start(ChildClient.Wire.HTTP1, directory, "64m", CALLS, CALLS,
                    "-Dwisp.test.priority=6");
                    ThreadLimit limit = ThreadLimit.of(child.pid())) {
                assertEquals("client made", child.command("c"));
                limit.reach();
                String outcomes = child.command("v");
                long failed = 0;
                for (String outcome : outcomes.split(" \\| ")) {
                    boolean typed = outcome.startsWith("error ConnectFailedException: ")
                            && outcome.contains("no thread could be started for a blocking call");
                    assertTrue(outcome.equals("status 200 5") || typed, outcome);
                    failed += typed ? 1 : 0;
                }
                assertTrue(failed > 0, () -> "the calls met the limit: " + outcomes);
                limit.lift();
                assertEquals(String.join(" | ", Collections.nCopies(CALLS, "status 200 5")), child.command("v"));
            }
        });
    }
}
