package dev.wisp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.testing.PeerProcess;
import dev.wisp.testing.PeerTools;
import java.io.BufferedReader;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wisp serve}'s access log on a standard output that stops taking lines. Before, each exchange wrote its line
 * itself: a pipe nobody read (a pager not scrolled) stopped every exchange once its 64 KiB were full, and a client's
 * next request on the connection with it. Now the exchanges go on, the lines past what may wait are dropped and
 * counted, and the count is told when the output takes lines again, or at the stop if it never does.
 */
class ServeAccessLogStalledIT {
    private static final Duration LIMIT = Duration.ofSeconds(90);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** Enough requests with a long enough target that their lines are well past the pipe and the queue. */
    private static final int REQUESTS = 600;
    private static final String PAD = "p".repeat(3000);
    private static final Pattern DROPPED = Pattern.compile("; (\\d+) lines? w(?:as|ere) dropped");

    @TempDir
    Path directory;

    @Test
    void exchangesGoOnWhileNobodyReadsThePipeAndTheLinesDroppedAreCounted() {
        assertTimeoutPreemptively(LIMIT, () -> {
            Files.writeString(directory.resolve("index.html"), "hello\n");
            CompletableFuture<BufferedReader> reader = new CompletableFuture<>();
            try (WispProcess wisp = serveIntoAPipe(reader); BufferedReader out = reader.get()) {
                int port = port(out);
                // Nobody reads standard output from here on: its pipe fills, then what may wait behind it.
                getAll(port, "stalled", REQUESTS);
                wisp.awaitErr("standard output does not take the access log's lines as fast as they come", TIMEOUT);

                CompletableFuture<List<String>> lines = CompletableFuture.supplyAsync(() -> readAll(out));
                getAll(port, "after", 1);
                String resumed = wisp.awaitErr("the access log is written to standard output again", TIMEOUT);
                wisp.signal("TERM");
                assertEquals(0, wisp.awaitExit(TIMEOUT));

                List<String> logged = lines.get().stream().filter(line -> line.contains("GET /?stalled=")).toList();
                Matcher dropped = DROPPED.matcher(resumed);
                assertTrue(dropped.find(), resumed);
                assertTrue(Integer.parseInt(dropped.group(1)) > 0, resumed);
                assertEquals(REQUESTS, logged.size() + Integer.parseInt(dropped.group(1)),
                        "each request logged or counted as dropped; " + resumed);
                assertTrue(lines.get().stream().anyMatch(line -> line.contains("GET /?after=0")));
                assertEquals(1, wisp.errSeen().stream().filter(line -> line.contains("does not take")).count(),
                        String.join("\n", wisp.errSeen()));
            }
        });
    }

    @Test
    void stopsOnASignalWhileNobodyReadsThePipe() {
        assertTimeoutPreemptively(LIMIT, () -> {
            CompletableFuture<BufferedReader> reader = new CompletableFuture<>();
            try (WispProcess wisp = serveIntoAPipe(reader); BufferedReader out = reader.get()) {
                getAll(port(out), "stalled", REQUESTS);
                wisp.awaitErr("standard output does not take the access log's lines", TIMEOUT);
                // The stop says so on standard output, which takes nothing: the stop must not wait for it (the main
                // thread hung in println, and the signals went unheeded).
                wisp.signal("TERM");
                assertEquals(0, wisp.awaitExit(TIMEOUT));
                wisp.awaitErr("the access log could not all be written to standard output", TIMEOUT);
            }
        });
    }

    @Test
    void linesAStandardOutputNeverTookAreCountedAtTheStop() {
        assertTimeoutPreemptively(LIMIT, () -> {
            int port = PeerProcess.freePort();
            ProcessBuilder command = WispProcess.command("serve", directory.toString(), "--plain", "--port",
                    Integer.toString(port)).redirectOutput(new File("/dev/full"));
            try (WispProcess wisp = WispProcess.start(command)) {
                awaitListening(port);
                getAll(port, "full", 5);
                wisp.awaitErr("cannot write the access log to standard output", TIMEOUT);
                wisp.signal("TERM");
                String told = wisp.awaitErr("the access log could not all be written to standard output", TIMEOUT);
                assertTrue(told.endsWith("; 7 lines were dropped"), told + ": 5 requests', Stopping and Stopped");
                assertEquals(0, wisp.awaitExit(TIMEOUT));
            }
        });
    }

    /**
     * Asks for {@code /?name=i&pad=...} for each i below count, on one connection, with curl: it fails if an answer
     * does not come in time.
     */
    private static void getAll(int port, String name, int count) throws Exception {
        StringBuilder config = new StringBuilder();
        for (int i = 0; i < count; i++) {
            config.append("url = \"http://127.0.0.1:").append(port).append("/?").append(name).append('=').append(i)
                    .append("&pad=").append(PAD).append("\"\noutput = \"/dev/null\"\n");
        }
        Path file = Files.createTempFile("curl", ".config");
        try {
            Files.writeString(file, config);
            PeerTools.Result curl = PeerTools.run(TIMEOUT, List.of(PeerTools.require("curl").toString(), "-s",
                    "-S", "--max-time", Long.toString(TIMEOUT.toSeconds()), "-K", file.toString()));
            assertEquals(0, curl.exitCode(), curl.stderr());
        } finally {
            Files.delete(file);
        }
    }

    /** Starts {@code wisp serve} with its standard output a named pipe, whose reading end completes {@code reader}. */
    private WispProcess serveIntoAPipe(CompletableFuture<BufferedReader> reader) throws Exception {
        Path fifo = directory.resolve("out.fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        // Opening a pipe to write waits for its reader: open this end first, on a thread of its own.
        Thread.ofVirtual().start(() -> reader.complete(open(fifo)));
        return WispProcess.start(WispProcess.command("serve", directory.toString(), "--plain", "--port", "0")
                .redirectOutput(fifo.toFile()));
    }

    private static BufferedReader open(Path fifo) {
        try {
            return new BufferedReader(new InputStreamReader(new FileInputStream(fifo.toFile()),
                    StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> readAll(BufferedReader out) {
        List<String> lines = new ArrayList<>();
        try {
            for (String line; (line = out.readLine()) != null; ) {
                lines.add(line);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return lines;
    }

    /** The port that {@code wisp serve} says it listens on, in its first lines. */
    private static int port(BufferedReader out) throws IOException {
        Pattern serving = Pattern.compile("Serving .+ on http://127\\.0\\.0\\.1:(\\d+)/");
        for (String line; (line = out.readLine()) != null; ) {
            Matcher matcher = serving.matcher(line);
            if (matcher.find()) {
                return Integer.parseInt(matcher.group(1));
            }
        }
        throw new AssertionError("wisp serve did not say where it listens");
    }

    private static void awaitListening(int port) throws InterruptedException {
        long end = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() - end < 0) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError("wisp serve did not listen on " + port);
    }
}
