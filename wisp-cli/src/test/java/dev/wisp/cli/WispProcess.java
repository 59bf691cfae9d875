package dev.wisp.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.wisp.testing.OutputLines;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The runnable jar the build makes, started as users start it ({@code java -jar wisp.jar ...}) in a child process.
 * Its standard output and error are followed as {@link OutputLines}, so a test waits for a line with a timeout.
 */
final class WispProcess implements AutoCloseable {
    private static boolean startupCacheMade;
    private final Process process;
    private final OutputLines out;
    private final OutputLines err;

    private WispProcess(Process process) {
        this.process = process;
        this.out = OutputLines.follow(process.getInputStream());
        this.err = OutputLines.follow(process.getErrorStream());
    }

    /** The command line that runs the jar with these arguments. */
    static ProcessBuilder command(String... arguments) {
        Path jar = Path.of(System.getProperty("wisp.jar", "target/wisp.jar"));
        assertTrue(Files.isRegularFile(jar), "the build makes " + jar);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-jar", jar.toString()));
        command.addAll(List.of(arguments));
        return new ProcessBuilder(command);
    }

    /**
     * The command line that runs {@code bin/wisp} with these arguments, as a user in a checkout runs it. Skips the
     * test unless that script would run the jar the build made as it is: one older than the sources it would build
     * again, which a test must not wait for.
     */
    static ProcessBuilder binWisp(String... arguments) throws IOException, InterruptedException {
        Path root = Path.of("").toAbsolutePath().getParent();
        Path jar = Path.of(System.getProperty("wisp.jar", "target/wisp.jar")).toAbsolutePath();
        Process check = new ProcessBuilder(root.resolve("bin/jar-stale").toString(), root.toString(),
                jar.toString()).inheritIO().start();
        assumeFalse(check.waitFor() == 0, "the jar is older than the sources: bin/wisp would build it again");
        makeStartupCache(root, jar);
        List<String> command = new ArrayList<>(List.of(root.resolve("bin/wisp").toString()));
        command.addAll(List.of(arguments));
        return new ProcessBuilder(command);
    }

    /**
     * Has {@code bin/startup-cache} make the jar's startup cache, once per test run, before the first {@code bin/wisp}
     * of a test: its training run, seconds long on a busy machine, is not what a test's timeouts are for.
     */
    private static synchronized void makeStartupCache(Path root, Path jar) throws IOException, InterruptedException {
        if (!startupCacheMade) {
            String withTheJdkBinWispPicks = "source \"$1/bin/jdk.sh\" && exec \"$1/bin/startup-cache\" \"$2\"";
            Process make = new ProcessBuilder("bash", "-c", withTheJdkBinWispPicks, "make-startup-cache",
                    root.toString(), jar.toString())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            if (!make.waitFor(3, TimeUnit.MINUTES)) {
                make.destroyForcibly();
            }
            startupCacheMade = true;
        }
    }

    static WispProcess start(String... arguments) throws IOException {
        return start(command(arguments));
    }

    /** Starts a command line made by {@link #command}, or another that runs wisp, such as {@code bin/wisp}. */
    static WispProcess start(ProcessBuilder command) throws IOException {
        return new WispProcess(command.start());
    }

    /** Waits for a line of standard output that contains the text; fails the test after the timeout. */
    String awaitOut(String text, Duration timeout) throws InterruptedException {
        return out.await(text, timeout);
    }

    /** Waits for the line that tells where a plaintext {@code wisp serve} listens and returns its port. */
    int awaitPlaintextPort(Duration timeout) throws InterruptedException {
        java.util.regex.Matcher serving = java.util.regex.Pattern
                .compile("Serving .+ on http://127\\.0\\.0\\.1:(\\d+)/").matcher(awaitOut("Serving ", timeout));
        assertTrue(serving.matches(), serving.toString());
        return Integer.parseInt(serving.group(1));
    }

    /** Every line of standard output read so far, those waited for included. */
    List<String> outSeen() {
        return out.seen();
    }

    /** Every line of standard error read so far. */
    List<String> errSeen() {
        return err.seen();
    }

    /** Waits for a line of standard error (the log) that contains the text; fails the test after the timeout. */
    String awaitErr(String text, Duration timeout) throws InterruptedException {
        return err.await(text, timeout);
    }

    /** Sends a signal by name ({@code INT}, {@code TERM}) with kill(1), as a terminal or a service manager does. */
    void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -" + name + " failed");
    }

    /** Waits for the process to exit and returns its exit code; fails the test after the timeout. */
    int awaitExit(Duration timeout) throws InterruptedException {
        assertTrue(process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS), "still running after " + timeout);
        return process.exitValue();
    }

    /** The process's id, for a tool that attaches to it. */
    long pid() {
        return process.pid();
    }

    /**
     * Kills the process if a test left it running, and waits (10 s at most) until it has exited: its open files, a
     * redirected output's on a file system the test unmounts next, are closed then.
     */
    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
