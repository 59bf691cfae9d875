package dev.wisp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wisp.testing.PeerTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Python's h2 (python3-h2, which {@code bin/test} installs) driving a script of {@code src/test/python} against an
 * {@link InteropServer}, over TLS with the test CA when the server has TLS, else h2c. A script prints one
 * {@code name value} line per fact, which the test asserts on.
 */
final class PythonH2 {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(60);

    private PythonH2() {
    }

    /** Skips the test class (fails it in CI) when Python or its h2 is missing. */
    static void require() throws Exception {
        if (!Files.isExecutable(PYTHON)) {
            PeerTools.missing(PYTHON + " is missing (Debian package python3)");
        }
        PeerTools.Result result = PeerTools.run(RUN_TIMEOUT, List.of(PYTHON.toString(), "-c", "import h2"));
        if (result.exitCode() != 0) {
            PeerTools.missing("Python's h2 is missing (Debian package python3-h2): " + result.stderr().strip());
        }
    }

    /**
     * Runs a script's case against the server, which must succeed; returns its facts, each name with its values in
     * the order printed. Over TLS it checks that ALPN chose h2.
     */
    static Map<String, List<String>> run(InteropServer server, String script, String scenario) throws Exception {
        List<String> command = new ArrayList<>(List.of(PYTHON.toString(), Path.of("src", "test", "python", script)
                .toString(), Integer.toString(server.port()), scenario));
        if (server.isTls()) {
            command.add(TestTls.file("ca.pem"));
        }
        PeerTools.Result result = PeerTools.run(RUN_TIMEOUT, command);
        assertEquals(0, result.exitCode(), () -> script + " " + scenario + " failed: " + result.stderr()
                + result.stdout());
        Map<String, List<String>> facts = new LinkedHashMap<>();
        result.stdout().lines().forEach(line -> {
            String[] pair = line.split(" ", 2);
            facts.computeIfAbsent(pair[0], name -> new ArrayList<>()).add(pair.length > 1 ? pair[1] : "");
        });
        if (server.isTls()) {
            assertEquals(List.of("h2"), facts.get("alpn"), "ALPN chose h2");
        }
        return facts;
    }
}
