package dev.wisp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * How {@code wisp serve} stops on a signal, run from the jar in a child process: what it prints must always appear
 * (it used to be lost to java.util.logging's own shutdown hook), a transfer cut after the grace period is reported,
 * {@code --grace} sets that period, and a second signal stops at once.
 */
class ServeStopIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** How long "eventually" may take on a slow, loaded machine. */
    private static final Duration EVENTUALLY = Duration.ofSeconds(20);
    private static final Pattern SERVING = Pattern.compile("Serving .+ on http://127\\.0\\.0\\.1:(\\d+)/");
    /** Larger than any socket buffers, so a client that stops reading keeps the transfer busy. */
    private static final long LARGE_FILE_BYTES = 256L * 1024 * 1024;

    @TempDir
    Path directory;

    static Stream<String> signals() {
        return Stream.of("TERM", "INT", "TERM", "INT", "HUP", "TERM");
    }

    @ParameterizedTest
    @MethodSource("signals")
    void printsEveryStopMessageWhenStoppedBySignal(String signal) {
        assumeSignalNotIgnored(signal);
        assertTimeoutPreemptively(TIMEOUT, () -> {
            try (WispProcess wisp = WispProcess.start("serve", directory.toString(), "--plain", "--port", "0")) {
                wisp.awaitOut("Serving ", EVENTUALLY);
                wisp.signal(signal);
                assertEquals("Stopping: no open connections", wisp.awaitOut("Stopping", EVENTUALLY));
                wisp.awaitErr("INFO: stopped listening on /127.0.0.1:", EVENTUALLY);
                wisp.awaitOut("Stopped", EVENTUALLY);
                assertEquals(0, wisp.awaitExit(EVENTUALLY));
            }
        });
    }

    @Test
    void reportsATransferCutAfterTheGracePeriodItWasGiven() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            createLargeFile();
            try (WispProcess wisp = WispProcess.start("serve", directory.toString(), "--plain", "--port", "0",
                    "--grace", "1");
                    Socket download = startDownload(wisp)) {
                wisp.signal("TERM");
                assertEquals("Stopping: waiting up to 1 s for 1 open connection; press Ctrl-C again to stop now",
                        wisp.awaitOut("Stopping", EVENTUALLY));
                wisp.awaitErr("WARNING: connections still busy after the grace period of PT1S; closing them",
                        EVENTUALLY);
                wisp.awaitErr("INFO: stopped listening", EVENTUALLY);
                wisp.awaitOut("Stopped", EVENTUALLY);
                assertEquals(0, wisp.awaitExit(EVENTUALLY));
                assertTrue(readToEnd(download) < LARGE_FILE_BYTES, "the transfer was cut");
            }
        });
    }

    /** Ctrl-C in a terminal is SIGINT; a service manager sends SIGTERM. */
    @ParameterizedTest
    @CsvSource({"INT, 2", "TERM, 15"})
    void secondSignalStopsAtOnceAndReportsTheCutConnections(String signal, int number) {
        assumeSignalNotIgnored(signal);
        assertTimeoutPreemptively(TIMEOUT, () -> {
            createLargeFile();
            try (WispProcess wisp = WispProcess.start("serve", directory.toString(), "--plain", "--port", "0",
                    "--grace", "3600");
                    Socket download = startDownload(wisp)) {
                wisp.signal(signal);
                assertEquals("Stopping: waiting up to 3600 s for 1 open connection; press Ctrl-C again to stop now",
                        wisp.awaitOut("Stopping", EVENTUALLY));
                wisp.signal(signal);
                wisp.awaitErr("wisp serve: stopping at once; 1 connection cut", EVENTUALLY);
                assertEquals(128 + number, wisp.awaitExit(EVENTUALLY));
                assertTrue(readToEnd(download) < LARGE_FILE_BYTES, "the transfer was cut");
            }
        });
    }

    @Test
    void refusesAGraceThatIsNotANumberOfSeconds() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            try (WispProcess wisp = WispProcess.start("serve", directory.toString(), "--grace", "soon")) {
                wisp.awaitErr("wisp serve: option --grace must be a number from 0 to 3600: 'soon'", EVENTUALLY);
                assertEquals(2, wisp.awaitExit(EVENTUALLY));
            }
        });
    }

    /** A sparse file: large, yet it costs neither disk nor time. */
    private void createLargeFile() throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(directory.resolve("large.bin").toFile(), "rw")) {
            file.setLength(LARGE_FILE_BYTES);
        }
    }

    /** Asks for the large file and reads the first bytes of the response, then stops reading: a busy transfer. */
    private static Socket startDownload(WispProcess wisp) throws IOException, InterruptedException {
        Matcher serving = SERVING.matcher(wisp.awaitOut("Serving ", EVENTUALLY));
        assertTrue(serving.matches(), serving.toString());
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), Integer.parseInt(serving.group(1)));
        socket.setSoTimeout((int) EVENTUALLY.toMillis());
        socket.getOutputStream().write("GET /large.bin HTTP/1.1\r\nHost: x\r\n\r\n"
                .getBytes(StandardCharsets.ISO_8859_1));
        byte[] status = socket.getInputStream().readNBytes(15);
        assertEquals("HTTP/1.1 200 OK", new String(status, StandardCharsets.ISO_8859_1));
        return socket;
    }

    /** Reads what is left until the server closes, or resets, the connection; returns how many bytes came. */
    private static long readToEnd(Socket socket) {
        long total = 0;
        byte[] buffer = new byte[64 * 1024];
        try {
            InputStream in = socket.getInputStream();
            for (int n; (n = in.read(buffer)) >= 0; ) {
                total += n;
            }
        } catch (IOException e) {
            // a reset after the cut ends the transfer too
        }
        return total;
    }

    /** A child inherits ignored signals: a shell that starts the build in the background ignores SIGINT. */
    private static void assumeSignalNotIgnored(String signal) {
        int number = switch (signal) {
            case "HUP" -> 1;
            case "INT" -> 2;
            default -> 15;
        };
        try {
            String ignored = Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(line -> line.startsWith("SigIgn:")).findFirst().orElse("SigIgn: 0").substring(7).strip();
            assumeFalse((Long.parseUnsignedLong(ignored, 16) & (1L << (number - 1))) != 0,
                    "SIG" + signal + " is ignored by this JVM, so by its children too");
        } catch (IOException e) {
            // no /proc: assume the signal is handled
        }
    }
}
