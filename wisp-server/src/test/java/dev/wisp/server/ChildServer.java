package dev.wisp.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * {@link LowDescriptorServer} in a child JVM started under {@code prlimit --nofile=N}, so a test can fill the
 * server's descriptor table without touching its own. Its standard output (the replies) and standard error (the log,
 * one line per record) are read by threads of their own into queues, so a test waits for a line with a timeout.
 */
final class ChildServer implements AutoCloseable {
    private final Process process;
    private final PrintStream commands;
    private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> log = new LinkedBlockingQueue<>();
    private final List<String> logSeen = new ArrayList<>();
    private final int port;

    private ChildServer(Process process) throws IOException, InterruptedException {
        this.process = process;
        this.commands = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
        collect(process.getInputStream(), replies);
        collect(process.getErrorStream(), log);
        this.port = Integer.parseInt(awaitReply("port ").substring("port ".length()));
    }

    /** Starts the server with at most this many descriptors, serving the directory under /files/. */
    static ChildServer start(int maxDescriptors, Path files) throws IOException, InterruptedException {
        String classPath = String.join(java.io.File.pathSeparator, System.getProperty("jdk.module.path", ""),
                System.getProperty("java.class.path", ""));
        List<String> command = List.of("prlimit", "--nofile=" + maxDescriptors,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xshare:auto", "-XX:+UseSerialGC", "-Xmx64m",
                "-Djava.util.logging.SimpleFormatter.format=%4$s: %5$s%6$s%n",
                "-cp", classPath, LowDescriptorServer.class.getName(), files.toString());
        return new ChildServer(new ProcessBuilder(command).start());
    }

    int port() {
        return port;
    }

    /** Sends a command and waits for its reply. */
    String command(String command) throws InterruptedException {
        commands.println(command);
        return awaitReply("");
    }

    /** Waits for the next reply line that starts with the prefix; fails after 30 s, the machine may be slow. */
    private String awaitReply(String prefix) throws InterruptedException {
        for (String line; (line = replies.poll(30, TimeUnit.SECONDS)) != null; ) {
            if (line.startsWith(prefix)) {
                return line;
            }
        }
        throw new AssertionError("no reply '" + prefix + "...' from the child server; its log: " + logSeen);
    }

    /** Waits for a log line that contains the text, and returns it; null if none came within the timeout. */
    String awaitLog(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (String line; (line = log.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) != null; ) {
            logSeen.add(line);
            if (line.contains(text)) {
                return line;
            }
        }
        return null;
    }

    /** Every log line read so far by {@link #awaitLog}, and those waiting, in order. */
    List<String> logLines() {
        log.drainTo(logSeen);
        return List.copyOf(logSeen);
    }

    private static void collect(InputStream stream, BlockingQueue<String> lines) {
        Thread.ofVirtual().start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("(reading the child's output failed: " + e + ")");
            }
        });
    }

    /** Ends its input, which stops it; kills it if it has not exited within a few seconds. */
    @Override
    public void close() throws InterruptedException {
        commands.close();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
