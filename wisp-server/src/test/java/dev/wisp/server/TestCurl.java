package dev.wisp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wisp.testing.PeerTools;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Runs curl for socket tests: silent but for errors, bounded in time, and failing the test if curl fails. */
final class TestCurl {
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(20);

    private TestCurl() {
    }

    /** Runs {@code curl -sS --max-time 15} with the arguments; skips the test if curl is missing (fails in CI). */
    static PeerTools.Result run(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(PeerTools.require("curl").toString(), "-sS", "--max-time",
                "15"));
        command.addAll(List.of(arguments));
        PeerTools.Result result = PeerTools.run(RUN_TIMEOUT, command);
        assertEquals(0, result.exitCode(), () -> "curl failed: " + result.stderr());
        return result;
    }
}
