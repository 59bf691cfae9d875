package dev.wisp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * {@code wisp ws} against a server that drips its answer to the upgrade a byte a second: each read is short of the
 * read timeout, so only a timeout of the whole upgrade (the connect timeout plus the read timeout's 30 s) ends it,
 * with curl's 28. Before, it waited as long as the server dripped (80 s and more).
 */
@Execution(ExecutionMode.CONCURRENT) // beside the other classes: it mostly waits
class WsUpgradeTimeoutIT {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @Test
    void exitsWith28WhenTheUpgradesAnswerDripsPastItsTimeout() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                Thread.ofVirtual().start(() -> {
                    try (Socket socket = listener.accept()) {
                        socket.getInputStream().read(new byte[4096]); // the upgrade request, or enough of it
                        OutputStream out = socket.getOutputStream();
                        out.write("HTTP/1.1 101 Switching Protocols\r\nX-A: ".getBytes(StandardCharsets.US_ASCII));
                        for (int i = 0; i < 55; i++) {
                            out.write('a');
                            out.flush();
                            Thread.sleep(1000);
                        }
                    } catch (IOException | InterruptedException e) {
                        // the client gave up: what the test looks for
                    }
                });
                ByteArrayOutputStream err = new ByteArrayOutputStream();
                long start = System.nanoTime();
                int code = new WsCommand(InputStream.nullInputStream(), Map.of()).run(
                        List.of("--connect-timeout", "1", "ws://127.0.0.1:" + listener.getLocalPort() + "/x"),
                        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                String told = err.toString(StandardCharsets.UTF_8);
                assertEquals(28, code, told);
                // The flags of this command: it has no --max-time, which wisp get's message names.
                assertTrue(told.contains("(--connect-timeout, and 30 s more for the answer)"), told);
                assertTrue(took.compareTo(Duration.ofSeconds(40)) < 0, "took " + took);
            }
        });
    }
}
