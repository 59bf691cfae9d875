package dev.wisp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runnable jar the build makes, started as users start it: {@code java -jar wisp.jar ...}. */
class WispJarIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final Pattern SERVING = Pattern.compile("Serving (.+) on http://127\\.0\\.0\\.1:(\\d+)/");

    private static ProcessBuilder wisp(String... arguments) {
        return WispProcess.command(arguments);
    }

    @Test
    void printsVersion() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Process process = wisp("--version").redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(process.waitFor(10, TimeUnit.SECONDS));
            assertEquals(0, process.exitValue(), output);
            assertEquals("wisp " + Main.version() + "\n", output);
        });
    }

    @Test
    void unknownOptionExitsWith2() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Process process = wisp("serve", "--bogus").start();
            String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(process.waitFor(10, TimeUnit.SECONDS));
            assertEquals(2, process.exitValue());
            assertTrue(err.startsWith("wisp serve: unknown option '--bogus'\nUsage: wisp serve"), err);
        });
    }

    @Test
    void servesUntilTerminatedThenStops(@TempDir Path directory) {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Files.writeString(directory.resolve("hello.txt"), "hello world\n");
            Process process = wisp("serve", directory.toString(), "--port", "0")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            try {
                BufferedReader out = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                Matcher serving = SERVING.matcher(out.readLine());
                assertTrue(serving.matches(), serving.toString());
                String response = get(Integer.parseInt(serving.group(2)), "/hello.txt");
                assertTrue(response.startsWith("HTTP/1.1 200 OK\r\n"), response);
                assertTrue(response.endsWith("\r\n\r\nhello world\n"), response);
                // SIGTERM runs the shutdown hook as Ctrl-C's SIGINT does; Process.destroy() would also close
                // the pipes this test still reads, ProcessHandle.destroy() only sends the signal.
                process.toHandle().destroy();
                assertTrue(out.readLine().startsWith("Stopping;"));
                assertEquals("Stopped", out.readLine());
                assertTrue(process.waitFor(10, TimeUnit.SECONDS));
            } finally {
                process.destroyForcibly();
            }
        });
    }

    private static String get(int port, String path) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
