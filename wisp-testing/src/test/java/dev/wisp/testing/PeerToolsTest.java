package dev.wisp.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class PeerToolsTest {
    @Test
    void findsAProgramOnThePath() {
        assertTrue(PeerTools.require("sh").toString().endsWith("/sh"));
    }

    @Test
    void skipsForAMissingProgramExceptInCi() {
        Class<? extends Throwable> expected = "true".equals(System.getenv("CI"))
                ? AssertionFailedError.class : TestAbortedException.class;
        Throwable thrown = assertThrows(expected, () -> PeerTools.require("wisp-no-such-peer"));
        assertTrue(thrown.getMessage().startsWith("peer program 'wisp-no-such-peer' is not on the PATH"),
                thrown.getMessage());
    }

    @Test
    void runsAProgramAndKeepsItsExitCodeAndOutput() throws Exception {
        PeerTools.Result result = PeerTools.run(Duration.ofSeconds(10),
                List.of(PeerTools.require("sh").toString(), "-c", "echo out; echo err >&2; exit 3"));
        assertEquals(new PeerTools.Result(3, "out\n", "err\n"), result);
    }

    @Test
    void killsAProgramThatRunsTooLong() {
        AssertionFailedError thrown = assertThrows(AssertionFailedError.class, () -> PeerTools.run(
                Duration.ofMillis(200), List.of(PeerTools.require("sh").toString(), "-c", "sleep 30")));
        assertTrue(thrown.getMessage().contains("still running after PT0.2S; killed"), thrown.getMessage());
    }
}
