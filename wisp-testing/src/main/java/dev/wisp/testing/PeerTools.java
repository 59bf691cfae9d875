package dev.wisp.testing;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds and runs real peer programs (curl, and later nginx, openssl, nghttp) for interoperability tests. A peer
 * missing on a developer's machine skips the test through a JUnit assumption; in CI (environment {@code CI=true})
 * it fails the test instead, so CI never passes by skipping.
 */
public final class PeerTools {
    private PeerTools() {
    }

    /** What a peer program did: its exit code and output. */
    public record Result(int exitCode, String stdout, String stderr) {
    }

    /**
     * Finds an executable on the {@code PATH}.
     *
     * @return its path; never returns when it is missing: the test is skipped, or fails in CI
     */
    public static Path require(String name) {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String directory : path.split(File.pathSeparator)) {
                Path candidate = Path.of(directory, name);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        return missing("peer program '" + name + "' is not on the PATH");
    }

    /** Skips the test for something missing, or fails it in CI ({@code CI=true}); never returns. */
    public static <T> T missing(String message) {
        if ("true".equals(System.getenv("CI"))) {
            return Assertions.fail(message + " (required when CI=true)");
        }
        return Assumptions.abort(message + "; test skipped");
    }

    /**
     * Waits until a server program just started accepts connections on a loopback port, polling every 50 ms for at
     * most 5 s.
     *
     * @param log where the program writes its output, quoted when it exits early
     * @throws IOException if it exits first or does not listen in time (the caller stops it)
     */
    public static void awaitListening(Process process, int port, Path log) throws IOException, InterruptedException {
        for (int i = 0; i < 100; i++) {
            try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException e) {
                if (!process.isAlive()) {
                    throw new IOException(process.info().command().orElse("peer") + " exited: "
                            + Files.readString(log, StandardCharsets.ISO_8859_1));
                }
                Thread.sleep(50); // a process outside the JVM: nothing to wait on but its port
            }
        }
        throw new IOException("peer did not listen on port " + port + " within 5 s");
    }

    /**
     * Starts a server program in the foreground, its output (standard error joined) in the log, and waits until it
     * listens on the loopback port; stops it if it does not.
     *
     * @throws IOException if it exits first or does not listen within 5 s
     */
    public static Process startListening(List<String> command, int port, Path log)
            throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            awaitListening(process, port, log);
        } catch (IOException e) {
            stop(process);
            throw e;
        }
        return process;
    }

    /** Closes what a test class started, in order, passing over what was not started (null). */
    public static void closeAll(AutoCloseable... peers) throws Exception {
        for (AutoCloseable peer : peers) {
            if (peer != null) {
                peer.close();
            }
        }
    }

    /** Stops a server program started for a test: asks it to end, and kills it if it has not within 5 s. */
    public static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    /**
     * Runs a program to its end, with nothing on its standard input; kills it and fails the test if it runs
     * longer than the timeout.
     */
    public static Result run(Duration timeout, List<String> command) throws IOException, InterruptedException {
        return runWithInput(timeout, command, "");
    }

    /**
     * Runs a program to its end with this text (ISO-8859-1) on its standard input, then closed; kills it and fails
     * the test if it runs longer than the timeout.
     */
    public static Result runWithInput(Duration timeout, List<String> command, String input)
            throws IOException, InterruptedException {
        return runWithInput(timeout, new ProcessBuilder(command), input);
    }

    /**
     * {@link #run(Duration, List)} for a command line with settings of its own (an environment variable, a working
     * folder); its output and error redirections are replaced.
     */
    public static Result run(Duration timeout, ProcessBuilder command) throws IOException, InterruptedException {
        return runWithInput(timeout, command, "");
    }

    private static Result runWithInput(Duration timeout, ProcessBuilder command, String input)
            throws IOException, InterruptedException {
        Path stdout = Files.createTempFile("wisp-peer-", ".out");
        Path stderr = Files.createTempFile("wisp-peer-", ".err");
        try {
            Process process = command
                    .redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile())
                    .start();
            try (var stdin = process.getOutputStream()) {
                stdin.write(input.getBytes(StandardCharsets.ISO_8859_1));
            }
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                Assertions.fail(String.join(" ", command.command()) + " still running after " + timeout + "; killed");
            }
            return new Result(process.exitValue(), Files.readString(stdout, StandardCharsets.ISO_8859_1),
                    Files.readString(stderr, StandardCharsets.ISO_8859_1));
        } finally {
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(stderr);
        }
    }
}
