package dev.wisp.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A real peer running as a child process for the length of a test (node's {@code ws} echo, Autobahn's echo, the
 * libwebsockets test server): started, waited for until it prints that it is ready, and stopped by its own
 * process handle, never by name.
 *
 * <p>One test thread uses it.
 */
public final class PeerProcess implements AutoCloseable {
    /** Ports for peers that need one given: the range kept for them, 19700-19799. */
    private static final int FIRST_PORT = 19700;
    private static final int PORTS = 100;

    private final Process process;
    private final OutputLines output;

    private PeerProcess(Process process, OutputLines output) {
        this.process = process;
        this.output = output;
    }

    /**
     * Starts the command with these extra environment variables (standard error joined to the output) and waits
     * until a line of its output contains the ready text.
     *
     * @throws AssertionError if it does not become ready within the timeout (it is stopped)
     */
    public static PeerProcess start(List<String> command, Map<String, String> environment, String readyText,
            Duration timeout) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        PeerProcess peer = new PeerProcess(process, OutputLines.follow(process.getInputStream()));
        try {
            peer.output.await(readyText, timeout);
        } catch (AssertionError | InterruptedException e) {
            peer.close();
            throw e;
        }
        return peer;
    }

    /**
     * Waits until the peer accepts connections on the loopback port: some (the libwebsockets test server) print
     * what {@link #start} waits for before they listen, and a loaded machine may run a test in between.
     *
     * @return this peer
     * @throws AssertionError if it exits, or does not listen within 10 s, with its output
     */
    public PeerProcess awaitListening(int port) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return this;
            } catch (IOException notYet) {
                if (!process.isAlive()) {
                    break;
                }
                Thread.sleep(50); // a process outside the JVM: nothing to wait on but its port
            }
        }
        throw new AssertionError("peer does not listen on port " + port + " (alive: " + process.isAlive()
                + "); its output: " + output.seen());
    }

    /** A loopback port in 19700-19799 that is free at the moment, for a peer that takes a fixed port. */
    public static int freePort() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port = FIRST_PORT + ThreadLocalRandom.current().nextInt(PORTS);
            try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no free port in " + FIRST_PORT + "-" + (FIRST_PORT + PORTS - 1));
    }

    /**
     * The folder of node modules holding {@code ws} ({@code WISP_NODE_MODULES}, by default
     * {@code /tmp/wspeer/node_modules}, where {@code bin/test} installs it); skips the test when missing, or
     * fails it in CI.
     */
    public static Path nodeModulesWithWs() {
        Path modules = Path.of(System.getenv().getOrDefault("WISP_NODE_MODULES", "/tmp/wspeer/node_modules"));
        requireFile(modules.resolve("ws"), "node module 'ws' (bin/test installs it)");
        return modules;
    }

    /** Skips the test when a file a peer needs is missing, or fails it in CI. */
    public static Path requireFile(Path path, String what) {
        if (!Files.exists(path)) {
            PeerTools.missing(what + " is missing: " + path.toAbsolutePath().normalize());
        }
        return path;
    }

    /** The lines the peer printed. */
    public OutputLines output() {
        return output;
    }

    /** Stops the peer: politely, then forcibly after five seconds. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
