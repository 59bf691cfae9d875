package dev.wisp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.server.Server;
import dev.wisp.testing.PeerTools;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/wisp} keeps the JVM's own messages off standard output, where {@code wisp get} writes the body: a JVM
 * told to map a shared archive that is not there logs an error and goes on, and that line must reach standard error
 * while standard output holds the body alone, byte for byte.
 */
class LauncherOutputIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path directory;

    @Test
    void jvmMessagesGoToStandardErrorAndTheBodyAloneToStandardOutput() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Files.writeString(directory.resolve("hello.txt"), "hello world\n");
            try (Server server = ServeCommand.start(List.of(directory.toString(), "--plain", "--port", "0"),
                    new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8))) {
                ProcessBuilder command = WispProcess.binWisp("get",
                        "http://127.0.0.1:" + server.port() + "/hello.txt");
                command.environment().put("JDK_JAVA_OPTIONS",
                        "-XX:SharedArchiveFile=" + directory.resolve("absent.jsa"));
                PeerTools.Result result = PeerTools.run(TIMEOUT, command);
                assertEquals(0, result.exitCode(), result.stderr());
                assertEquals("hello world\n", result.stdout(), result.stderr());
                assertTrue(result.stderr().contains("[cds]"), "the JVM's message about the archive: "
                        + result.stderr());
            }
        });
    }
}
