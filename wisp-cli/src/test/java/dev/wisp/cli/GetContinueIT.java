package dev.wisp.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.core.Status;
import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wisp get -C - -o FILE}: a run whose connection is cut leaves {@code FILE.part}; the next run asks for the
 * rest of the same version and makes the file.
 */
class GetContinueIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path directory;

    @Test
    void aSecondRunGoesOnWhereTheFirstWasCut() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            byte[] firmware = new byte[400_000];
            new Random(11).nextBytes(firmware);
            AtomicBoolean cut = new AtomicBoolean(true);
            List<String> asked = new CopyOnWriteArrayList<>();
            Router router = Router.builder().get("/fw.bin", (request, response) -> {
                String range = request.headers().firstOrNull("Range");
                asked.add(range + " " + request.headers().firstOrNull("If-Range"));
                if (range != null && "\"v1\"".equals(request.headers().firstOrNull("If-Range"))) {
                    int from = Integer.parseInt(range.substring("bytes=".length(), range.length() - 1));
                    response.status(Status.PARTIAL_CONTENT).setHeader("ETag", "\"v1\"")
                            .setHeader("Content-Range", "bytes " + from + "-" + (firmware.length - 1) + "/"
                                    + firmware.length)
                            .send(Arrays.copyOfRange(firmware, from, firmware.length));
                    return;
                }
                response.setHeader("ETag", "\"v1\"").setHeader("Content-Length", String.valueOf(firmware.length));
                OutputStream out = response.outputStream();
                out.write(firmware, 0, 150_000);
                out.flush();
                if (cut.getAndSet(false)) {
                    throw new IOException("the link drops"); // the connection closes mid-body
                }
                out.write(firmware, 150_000, firmware.length - 150_000);
                out.close();
            }).build();
            try (Server server = Server.create(ServerConfig.builder().port(0).build(), router).start()) {
                String url = "http://127.0.0.1:" + server.port() + "/fw.bin";
                Path file = directory.resolve("fw.bin");
                ByteArrayOutputStream err = new ByteArrayOutputStream();
                PrintStream errors = new PrintStream(err, true, StandardCharsets.UTF_8);
                PrintStream out = new PrintStream(new ByteArrayOutputStream());
                int first = Main.run(List.of("get", "-C", "-", "--retry", "0", "-o", file.toString(), url), out,
                        errors);
                assertEquals(ExitCodes.PARTIAL_FILE, first, err.toString(StandardCharsets.UTF_8));
                assertFalse(Files.exists(file), "the file is made only whole");
                assertEquals(150_000, Files.size(directory.resolve("fw.bin.part")));

                int second = Main.run(List.of("get", "-sS", "-C", "-", "-o", file.toString(), url), out, errors);
                assertEquals(0, second, err.toString(StandardCharsets.UTF_8));
                assertArrayEquals(firmware, Files.readAllBytes(file));
                assertFalse(Files.exists(directory.resolve("fw.bin.part")));
                assertEquals(List.of("null null", "bytes=150000- \"v1\""), asked);
                assertEquals(1, err.toString(StandardCharsets.UTF_8).lines().count(), "the first run's failure alone");
            }
        });
    }

    @Test
    void maxTimeEndsTheWholeRunRetriesIncludedKeepingThePart() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            CountDownLatch release = new CountDownLatch(1);
            List<String> asked = new CopyOnWriteArrayList<>();
            // Ten bytes of a hundred, then nothing: every request times out, and each would be followed by another.
            Router router = Router.builder().get("/slow.bin", (request, response) -> {
                asked.add(String.valueOf(request.headers().firstOrNull("Range")));
                response.setHeader("ETag", "\"v1\"").setHeader("Content-Length", "100");
                OutputStream out = response.outputStream();
                out.write(new byte[10]);
                out.flush();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }).build();
            try (Server server = Server.create(ServerConfig.builder().port(0).build(), router).start()) {
                String url = "http://127.0.0.1:" + server.port() + "/slow.bin";
                Path file = directory.resolve("slow.bin");
                ByteArrayOutputStream err = new ByteArrayOutputStream();
                long started = System.nanoTime();
                int code = Main.run(List.of("get", "-C", "-", "-m", "0.5", "-o", file.toString(), url),
                        new PrintStream(new ByteArrayOutputStream()),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
                Duration took = Duration.ofNanos(System.nanoTime() - started);
                assertEquals(ExitCodes.TIMEOUT, code, err.toString(StandardCharsets.UTF_8));
                assertTrue(took.compareTo(Duration.ofSeconds(3)) < 0, "-m 0.5 bounds the run, not each request: "
                        + took + ", " + asked);
                assertEquals(10, Files.size(directory.resolve("slow.bin.part")), "the bytes so far are kept");
                assertFalse(Files.exists(file));
            } finally {
                release.countDown();
            }
        });
    }
}
