package dev.wisp.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wisp.testing.PeerTools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the Python scripts of {@code src/test/python} that let Python's hpack and h2 (Debian's python3-h2, which
 * {@code bin/test} installs) check our codecs. A missing python3 or module skips a test, except in CI, where it fails.
 */
public final class PythonPeer {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private PythonPeer() {
    }

    /** Skips the test (fails it in CI) unless python3 can import {@code module}. */
    public static void require(String module) throws IOException, InterruptedException {
        if (!Files.isExecutable(PYTHON)) {
            PeerTools.missing(PYTHON + " is missing (Debian package python3)");
        }
        PeerTools.Result result = PeerTools.run(TIMEOUT, List.of(PYTHON.toString(), "-c", "import " + module));
        if (result.exitCode() != 0) {
            PeerTools.missing("Python's " + module + " is missing (Debian package python3-h2): "
                    + result.stderr().strip());
        }
    }

    /** Runs {@code src/test/python/<script>} with the arguments and input; returns its output's lines. */
    public static List<String> run(String script, String input, String... arguments) throws IOException,
            InterruptedException {
        List<String> command = new ArrayList<>(List.of(PYTHON.toString(),
                Path.of("src", "test", "python", script).toString()));
        command.addAll(List.of(arguments));
        PeerTools.Result result = PeerTools.runWithInput(TIMEOUT, command, input);
        assertEquals(0, result.exitCode(), script + " failed: " + result.stderr());
        return result.stdout().lines().toList();
    }
}
