package dev.wisp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code bin/jar-stale}, which tells {@code bin/wisp} to build the jar again: on a made-up tree whose files all
 * predate the jar, touching one file after it must count or not, as the jar holds that file or not.
 */
class JarStaleIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final Path SCRIPT = Path.of("").toAbsolutePath().getParent().resolve("bin/jar-stale");
    private static final Instant BEFORE = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant JAR_TIME = BEFORE.plusSeconds(60);
    private static final List<String> FILES = List.of("pom.xml", "wisp-core/pom.xml",
            "wisp-core/src/main/java/dev/wisp/core/A.java",
            "wisp-cli/src/main/resources/dev/wisp/cli/version.properties",
            "wisp-core/src/test/java/dev/wisp/core/ATest.java", "wisp-core/target/classes/A.class",
            "wisp-bench/pom.xml", "wisp-bench/src/main/java/B.java", "README.md");

    @TempDir
    Path root;
    private Path jar;

    @BeforeEach
    void makeTree() throws IOException {
        for (String file : FILES) {
            Path path = root.resolve(file);
            Files.createDirectories(path.getParent());
            Files.writeString(path, file);
            Files.setLastModifiedTime(path, FileTime.from(BEFORE));
        }
        jar = Files.createDirectories(root.resolve("wisp-cli/target")).resolve("wisp.jar");
        Files.writeString(jar, "jar");
        Files.setLastModifiedTime(jar, FileTime.from(JAR_TIME));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "pom.xml                                                     | stale",
        "wisp-core/pom.xml                                           | stale",
        "wisp-core/src/main/java/dev/wisp/core/A.java                | stale",
        "wisp-cli/src/main/resources/dev/wisp/cli/version.properties | stale",
        "wisp-core/src/test/java/dev/wisp/core/ATest.java            | fresh",
        "wisp-core/target/classes/A.class                            | fresh",
        "wisp-bench/src/main/java/B.java                             | fresh",
        "wisp-bench/pom.xml                                          | fresh",
        "README.md                                                   | fresh",
    })
    void countsOnlyWhatTheJarIsBuiltFrom(String touched, String expected) {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            assertEquals("fresh", run());
            Files.setLastModifiedTime(root.resolve(touched), FileTime.from(JAR_TIME.plusSeconds(1)));
            assertEquals(expected, run());
        });
    }

    @Test
    void aMissingJarIsStale() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Files.delete(jar);
            assertEquals("stale", run());
        });
    }

    private String run() throws IOException, InterruptedException {
        Process process = new ProcessBuilder(SCRIPT.toString(), root.toString(), jar.toString()).inheritIO().start();
        assertTrue(process.waitFor(10, TimeUnit.SECONDS));
        return switch (process.exitValue()) {
            case 0 -> "stale";
            case 1 -> "fresh";
            default -> throw new AssertionError("bin/jar-stale failed with " + process.exitValue());
        };
    }
}
