package dev.wisp.server;

import dev.wisp.testing.ChildJava;
import dev.wisp.testing.CommandProcess;
import dev.wisp.testing.TestTransport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A server in a child JVM, so a test can exhaust its resources without touching its own: {@link LowDescriptorServer}
 * started under {@code prlimit --nofile=N} to fill its descriptor table, {@link CommandServer} with a small heap to
 * fill, with one carrier to keep busy, or as it is, to limit its threads. Its standard output carries the replies, its
 * standard error the log, one line per record.
 */
final class ChildServer implements AutoCloseable {
    /**
     * The lock of the test classes that fill a child server's heap, which run beside the others but one at a time:
     * two heaps full at once would load the machine, and the classes beside them, the more.
     */
    static final String FULL_HEAP = "a child server's full heap";
    /** How long a reply may take on a slow, loaded machine. */
    private static final Duration REPLY_WAIT = Duration.ofSeconds(30);

    private final CommandProcess process;
    private final int port;

    private ChildServer(List<String> command) throws IOException, InterruptedException {
        this.process = CommandProcess.start(command, REPLY_WAIT);
        this.port = Integer.parseInt(process.awaitReply(line -> line.startsWith("port "), "'port ...'")
                .substring("port ".length()));
    }

    /** Starts the server with at most this many descriptors, serving the directory under /files/. */
    static ChildServer start(int maxDescriptors, Path files) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("prlimit", "--nofile=" + maxDescriptors));
        command.addAll(java("64m", LowDescriptorServer.class));
        command.add(files.toString());
        return new ChildServer(command);
    }

    /** Starts {@link CommandServer} with a heap of this size ({@code -Xmx}, as "48m") and these JVM options. */
    static ChildServer startLowMemory(String maxHeap, String... options) throws IOException, InterruptedException {
        return new ChildServer(java(maxHeap, CommandServer.class, options));
    }

    /** Starts {@link CommandServer} as it is, for a limit set from outside ({@link dev.wisp.testing.ThreadLimit}). */
    static ChildServer start() throws IOException, InterruptedException {
        // The JVM's own warnings (a thread it could not start) go with the log, not among the replies.
        return new ChildServer(java("64m", CommandServer.class, "-Xlog:disable", "-Xlog:all=warning:stderr"));
    }

    /** Starts {@link CommandServer} with one carrier thread for every virtual thread. */
    static ChildServer startOneCarrier() throws IOException, InterruptedException {
        return new ChildServer(java("64m", CommandServer.class, "-Djdk.virtualThreadScheduler.parallelism=1"));
    }

    private static List<String> java(String maxHeap, Class<?> main, String... moreOptions) {
        List<String> options = new ArrayList<>(List.of("-XX:+UseSerialGC", "-Xmx" + maxHeap,
                "-Dwisp.test.tls=" + TestTransport.isTls(),
                "-Djava.util.logging.SimpleFormatter.format=%4$s: %5$s%6$s%n"));
        String carrierLoops = System.getProperty(ServerConfig.CARRIER_LOOPS_PROPERTY);
        if (carrierLoops != null) { // the child's server on carrier loops too, as this run's are
            options.addAll(List.of("-Dwisp.server.carrierLoops=" + carrierLoops,
                    "--add-opens", "java.base/java.lang=ALL-UNNAMED"));
        }
        options.addAll(List.of(moreOptions));
        return ChildJava.command(main, options.toArray(String[]::new));
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    /** Sends a command and waits for its reply. */
    String command(String command) throws InterruptedException {
        return process.command(command);
    }

    /** The server's count of open connections ({@link CommandServer}'s {@code c}). */
    int openConnections() throws InterruptedException {
        return Integer.parseInt(command("c").substring(1));
    }

    /**
     * The server's count of open connections once it drops to 0, or what it still is after this long; when some are
     * left, what the server says of them, its log and its threads go to standard error, for the failure's report.
     */
    int openConnectionsEventually(Duration within) throws InterruptedException {
        long end = System.nanoTime() + within.toNanos();
        int open;
        while ((open = openConnections()) > 0 && System.nanoTime() < end) {
            Thread.sleep(100);
        }
        if (open > 0) {
            System.err.println("connections still open: " + command("d") + "\nlog: " + logLines() + "\nthreads:\n"
                    + threadDump());
        }
        return open;
    }

    /** Waits for a log line that contains the text, and returns it; null if none came within the timeout. */
    String awaitLog(String text, Duration timeout) throws InterruptedException {
        return process.awaitLog(text, timeout);
    }

    /**
     * What every thread of the child is doing, virtual threads included ({@code jcmd Thread.dump_to_file}), for a
     * failure's message; the error's text if the dump could not be made.
     */
    String threadDump() {
        try {
            Path file = Files.createTempFile("wisp-child-threads", ".txt");
            Files.delete(file);
            Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(process.pid()), "Thread.dump_to_file", file.toString())
                    .redirectErrorStream(true).start();
            jcmd.getInputStream().readAllBytes();
            jcmd.waitFor(30, TimeUnit.SECONDS);
            String dump = Files.readString(file);
            Files.delete(file);
            return dump;
        } catch (IOException | InterruptedException e) {
            return "no thread dump: " + e;
        }
    }

    /** Every log line so far, in order. */
    List<String> logLines() {
        return process.logLines();
    }

    /** Ends its input, which stops it; kills it if it has not exited within a few seconds. */
    @Override
    public void close() throws InterruptedException {
        process.close();
    }
}
