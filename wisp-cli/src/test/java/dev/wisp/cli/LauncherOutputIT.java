package dev.wisp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.server.Server;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/wisp} keeps the JVM's own messages off standard output, where {@code wisp get} writes the body: a JVM
 * told to map a shared archive that is not there logs an error and goes on, and that line must reach standard error
 * while standard output holds the body alone, byte for byte.
 */
class LauncherOutputIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    @TempDir
    Path directory;

    @Test
    void jvmMessagesGoToStandardErrorAndTheBodyAloneToStandardOutput() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            WispProcess.assumeBinWispRunsTheBuiltJar();
            Files.writeString(directory.resolve("hello.txt"), "hello world\n");
            Server server = ServeCommand.start(List.of(directory.toString(), "--plain", "--port", "0"),
                    new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8));
            try {
                ProcessBuilder command = new ProcessBuilder(ROOT.resolve("bin/wisp").toString(), "get",
                        "http://127.0.0.1:" + server.port() + "/hello.txt");
                command.environment().put("JDK_JAVA_OPTIONS",
                        "-XX:SharedArchiveFile=" + directory.resolve("absent.jsa"));
                Process wisp = command.start();
                CompletableFuture<byte[]> out = readAll(wisp.getInputStream());
                CompletableFuture<byte[]> err = readAll(wisp.getErrorStream());
                assertTrue(wisp.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS), "bin/wisp get did not finish");
                String stderr = new String(err.get(), StandardCharsets.UTF_8);
                assertEquals(0, wisp.exitValue(), stderr);
                assertEquals("hello world\n", new String(out.get(), StandardCharsets.UTF_8), stderr);
                assertTrue(stderr.contains("[cds]"), "the JVM's message about the archive: " + stderr);
            } finally {
                server.stop(Duration.ZERO);
            }
        });
    }

    private static CompletableFuture<byte[]> readAll(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (stream) {
                stream.transferTo(bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bytes.toByteArray();
        });
    }
}
