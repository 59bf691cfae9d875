package dev.wisp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.testing.BlackHoleListener;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A name with two addresses, the first of which never answers: {@code wisp get} (the jar, in a JVM whose resolver
 * reads a hosts file of the test's) starts the second after the connection attempt delay, and it answers.
 */
class AddressFallbackIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Test
    void fallsBackToTheNextAddressWhenTheFirstDoesNotAnswer(@TempDir Path directory) {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            try (BlackHoleListener blackhole = BlackHoleListener.open(InetAddress.getByName("127.0.0.2"))) {
                int port = blackhole.port();
                try (ServerSocket answering = new ServerSocket(port, 4, InetAddress.getByName("127.0.0.1"))) {
                    Thread.ofVirtual().start(() -> answerOnce(answering));
                    Path hosts = Files.writeString(directory.resolve("hosts"),
                            "127.0.0.2 dual.test\n127.0.0.1 dual.test\n");
                    List<String> command = new ArrayList<>(WispProcess.command("get", "--connect-timeout", "20",
                            "http://dual.test:" + port + "/").command());
                    command.add(1, "-Djdk.net.hosts.file=" + hosts);
                    long start = System.nanoTime();
                    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
                    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    assertTrue(process.waitFor(30, TimeUnit.SECONDS));
                    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                    assertEquals("answered by 127.0.0.1\n", output);
                    assertEquals(0, process.exitValue());
                    // Happy Eyeballs: the second address starts 250 ms after the first, not after its share of the
                    // 20 s connect timeout (the rest is the JVM starting on a busy machine).
                    assertTrue(millis < 10_000, "the second address was tried alongside: " + millis + " ms");
                }
            }
        });
    }

    private static void answerOnce(ServerSocket listener) {
        try (Socket socket = listener.accept(); InputStream in = socket.getInputStream()) {
            byte[] head = new byte[4096];
            int length = 0;
            while (length < 4 || !new String(head, 0, length, StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int n = in.read(head, length, head.length - length);
                if (n < 0) {
                    return;
                }
                length += n;
            }
            socket.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Length: 22\r\nConnection: close\r\n\r\n"
                    + "answered by 127.0.0.1\n").getBytes(StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
