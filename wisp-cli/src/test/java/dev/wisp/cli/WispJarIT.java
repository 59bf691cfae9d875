package dev.wisp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.testing.AbstractSocketPeer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runnable jar the build makes, started as users start it: {@code java -jar wisp.jar ...}. */
class WispJarIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final Pattern SERVING = Pattern.compile("Serving (.+) on https://127\\.0\\.0\\.1:(\\d+)/");
    private static final Pattern PLAIN_SERVING = Pattern.compile("on http://127\\.0\\.0\\.1:(\\d+)/");

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

    /**
     * The jar is multi-release and grants native access in its manifest: the client's Java 22 classes reach an
     * abstract Unix socket name through the C library, and the JDK prints no warning about it.
     */
    @Test
    void getsOverAnAbstractUnixSocketWithoutANativeAccessWarning() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            try (AbstractSocketPeer peer = AbstractSocketPeer.start()) {
                Process process = wisp("get", "--abstract-unix-socket", peer.name(), "http://device.local/jar")
                        .start();
                String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(process.waitFor(10, TimeUnit.SECONDS));
                assertEquals("", err);
                assertEquals("GET /jar on connection 1 for device.local", out);
                assertEquals(0, process.exitValue());
            }
        });
    }

    /**
     * {@code get} ends the process through the C library once done (the Java 22 {@link ProcessExit}): every byte of
     * a body without a final newline still reaches standard output or the {@code -o} file, with the exit code.
     */
    @Test
    void getEndsWithEveryByteOutAndItsExitCode(@TempDir Path directory) {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            byte[] body = new byte[300_001];
            for (int i = 0; i < body.length; i++) {
                body[i] = (byte) ('a' + i % 26);
            }
            try (Server server = Server.create(ServerConfig.builder().port(0).build(), Router.builder()
                    .get("/body", (request, response) -> response.send(body)).build()).start()) {
                String base = "http://127.0.0.1:" + server.port();
                Process toStdout = wisp("get", base + "/body").start();
                byte[] out = toStdout.getInputStream().readAllBytes();
                String err = new String(toStdout.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(toStdout.waitFor(10, TimeUnit.SECONDS));
                assertEquals(0, toStdout.exitValue(), err);
                assertEquals("", err);
                assertTrue(Arrays.equals(body, out), () -> out.length + " bytes of " + body.length);

                Path file = directory.resolve("body.bin");
                Process toFile = wisp("get", "-s", "-o", file.toString(), base + "/body").start();
                assertTrue(toFile.waitFor(10, TimeUnit.SECONDS));
                assertEquals(0, toFile.exitValue());
                assertTrue(Arrays.equals(body, Files.readAllBytes(file)));

                Process missing = wisp("get", "--fail", base + "/missing").start();
                byte[] nothing = missing.getInputStream().readAllBytes();
                String failure = new String(missing.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(missing.waitFor(10, TimeUnit.SECONDS));
                assertEquals(22, missing.exitValue(), failure);
                assertEquals(0, nothing.length);
                assertEquals("wisp get: The requested URL returned error: 404\n", failure);
            }
        });
    }

    @Test
    void unknownOptionExitsWith2() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Process process = wisp("serve", "--bogus").start();
            String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(process.waitFor(10, TimeUnit.SECONDS));
            assertEquals(2, process.exitValue());
            assertEquals("wisp serve: unknown option '--bogus'\nRun 'wisp serve --help' for usage.\n", err);
        });
    }

    @Test
    void servesHttpsWithTheCertificateItMadeUntilTerminatedThenStops(@TempDir Path directory) {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Files.writeString(directory.resolve("hello.txt"), "hello world\n");
            Path config = directory.resolve("config");
            ProcessBuilder builder = wisp("serve", directory.toString(), "--port", "0")
                    .redirectError(ProcessBuilder.Redirect.DISCARD);
            builder.environment().put("WISP_CONFIG_HOME", config.toString());
            Process process = builder.start();
            try {
                BufferedReader out = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                String made = out.readLine();
                assertTrue(made.startsWith("Made a self-signed certificate for localhost, 127.0.0.1, ::1 in " + config
                        + ", valid until "), made);
                assertTrue(made.endsWith(": there was none yet"), made);
                Matcher serving = SERVING.matcher(out.readLine());
                assertTrue(serving.matches(), serving.toString());
                String response = TrustingSockets.get(config.resolve("cert.pem"), "localhost",
                        Integer.parseInt(serving.group(2)), "/hello.txt");
                assertTrue(response.startsWith("HTTP/1.1 200 OK\r\n"), response);
                assertTrue(response.endsWith("\r\n\r\nhello world\n"), response);
                assertTrue(out.readLine().startsWith("Certificate " + config.resolve("cert.pem")));
                assertTrue(out.readLine().startsWith("sha256 Fingerprint="));
                String logged = out.readLine();
                assertTrue(logged.matches("\\S+ 127\\.0\\.0\\.1 \"GET /hello\\.txt HTTP/1\\.1\" 200 12 \\d+ms \".*\""),
                        logged);
                // SIGTERM runs the shutdown hook as Ctrl-C's SIGINT does; Process.destroy() would also close
                // the pipes this test still reads, ProcessHandle.destroy() only sends the signal.
                process.toHandle().destroy();
                assertTrue(out.readLine().startsWith("Stopping: "));
                assertEquals("Stopped", out.readLine());
                assertTrue(process.waitFor(10, TimeUnit.SECONDS));
            } finally {
                process.destroyForcibly();
            }
        });
    }

    /**
     * The jar opens {@code java.lang} in its manifest for the carrier loops, so {@code wisp serve} runs its
     * connections on them, one per processor, with no JVM option and no word about it; its connections run on the
     * loops' threads (named in a thread dump).
     */
    @Test
    void servesOnCarrierLoopsByDefault(@TempDir Path directory) {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            try (WispProcess wisp = WispProcess.start(wisp("serve", directory.toString(), "--plain", "--port", "0"))) {
                String firstLine = wisp.awaitOut("", TIMEOUT);
                assertTrue(firstLine.startsWith("Serving "), firstLine);
                int port = served(firstLine, directory);
                assertTrue(threads(wisp).contains("\"wisp-loop-" + port + "-0\""));
                assertTrue(wisp.outSeen().stream().noneMatch(line -> line.startsWith("Connections ")),
                        wisp.outSeen()::toString);
            }
        });
    }

    /** {@code --carrier-loops N} chooses how many loops: each connection goes to the next loop in turn. */
    @Test
    void servesOnAsManyCarrierLoopsAsAsked(@TempDir Path directory) {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            try (WispProcess wisp = WispProcess.start(wisp("serve", directory.toString(), "--plain", "--port", "0",
                    "--carrier-loops", "3"))) {
                int port = served(wisp.awaitOut("Serving ", TIMEOUT), directory);
                String threads = threads(wisp);
                for (int loop = 0; loop < 3; loop++) {
                    assertTrue(threads.contains("\"wisp-loop-" + port + "-" + loop + "\""), threads);
                }
                assertFalse(threads.contains("\"wisp-loop-" + port + "-3\""), threads);
            }
        });
    }

    /**
     * Started from the jar's classes without its manifest ({@code java -cp}), nothing opens java.lang: {@code wisp
     * serve} says its connections run on the JDK's scheduler and which JVM option would give it the loops, and
     * serves. {@code --carrier-loops 0} chooses the JDK's scheduler, without a word.
     */
    @Test
    void servesOnTheJdksSchedulerWhereTheJvmDoesNotAllowLoops(@TempDir Path directory) {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            List<String> classPath = new ArrayList<>(wisp("serve").command().subList(0, 1));
            classPath.addAll(List.of("-cp", System.getProperty("wisp.jar", "target/wisp.jar"), "dev.wisp.cli.Main",
                    "serve", directory.toString(), "--plain", "--port", "0"));
            try (WispProcess wisp = WispProcess.start(new ProcessBuilder(classPath))) {
                int port = served(wisp.awaitOut("Serving ", TIMEOUT), directory);
                assertEquals("Connections run on the JDK's scheduler: carrier loops need the JVM option"
                        + " --add-opens java.base/java.lang=ALL-UNNAMED", wisp.awaitOut("Connections ", TIMEOUT));
                assertFalse(threads(wisp).contains("\"wisp-loop-" + port), "no loop threads");
            }
            try (WispProcess wisp = WispProcess.start(wisp("serve", directory.toString(), "--plain", "--port", "0",
                    "--carrier-loops", "0"))) {
                String firstLine = wisp.awaitOut("", TIMEOUT);
                assertTrue(firstLine.startsWith("Serving "), firstLine);
                int port = served(firstLine, directory);
                assertFalse(threads(wisp).contains("\"wisp-loop-" + port), "no loop threads");
                assertTrue(wisp.outSeen().stream().noneMatch(line -> line.startsWith("Connections ")),
                        wisp.outSeen()::toString);
            }
        });
    }

    /** Has the server that printed this line serve a file three times; returns its port. */
    private static int served(String servingLine, Path directory) throws Exception {
        Files.writeString(directory.resolve("hello.txt"), "hello world\n");
        Matcher serving = PLAIN_SERVING.matcher(servingLine);
        assertTrue(serving.find(), serving.toString());
        int port = Integer.parseInt(serving.group(1));
        for (int i = 0; i < 3; i++) { // on each loop in turn where there are several
            try (Socket socket = new Socket("127.0.0.1", port)) {
                socket.getOutputStream().write("GET /hello.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(response.startsWith("HTTP/1.1 200 OK\r\n"), response);
                assertTrue(response.endsWith("\r\n\r\nhello world\n"), response);
            }
        }
        return port;
    }

    /** A thread dump of the process, by the JDK's jcmd. */
    private static String threads(WispProcess wisp) throws Exception {
        Process dump = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(wisp.pid()), "Thread.print").redirectErrorStream(true).start();
        String threads = new String(dump.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(dump.waitFor(10, TimeUnit.SECONDS));
        return threads;
    }
}
