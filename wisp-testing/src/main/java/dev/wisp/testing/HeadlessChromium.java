package dev.wisp.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Headless Chromium for a test: a profile and a log of its own inside the test's folder, a temporary folder of its own
 * that goes when it stops (Chromium puts its single-instance socket in {@code $TMPDIR}, and a browser stopped before it
 * tidied up left a folder in {@code /tmp} per run), and the whole process tree stopped by its handles.
 *
 * <p>One test thread uses it.
 */
public final class HeadlessChromium implements AutoCloseable {
    private final Process process;
    private final Path log;
    private final Path temporary;

    private HeadlessChromium(Process process, Path log, Path temporary) {
        this.process = process;
        this.log = log;
        this.temporary = temporary;
    }

    /**
     * Starts Chromium on a page, its output to {@code chromium.log} in the folder, and returns at once.
     *
     * @param directory the test's own folder, for the profile and the log
     * @param flags flags beyond the usual headless ones (say, {@code --ignore-certificate-errors})
     */
    public static HeadlessChromium open(Path directory, String page, String... flags) throws IOException {
        Path log = directory.resolve("chromium.log");
        Path temporary = temporaryFolder();
        try {
            Process process = builder(directory, temporary, page, List.of(flags))
                    .redirectErrorStream(true).redirectOutput(log.toFile())
                    .start();
            return new HeadlessChromium(process, log, temporary);
        } catch (IOException | RuntimeException e) {
            deleteTree(temporary);
            throw e;
        }
    }

    /**
     * Runs Chromium to its end on a page (with {@code --dump-dom}, say) and returns its output, as
     * {@link PeerTools#run(Duration, ProcessBuilder)} does.
     */
    public static PeerTools.Result run(Duration timeout, Path directory, String page, String... flags)
            throws IOException, InterruptedException {
        Path temporary = temporaryFolder();
        try {
            return PeerTools.run(timeout, builder(directory, temporary, page, List.of(flags)));
        } finally {
            deleteTree(temporary);
        }
    }

    /**
     * In the system's temporary folder, not the test's: the path of the socket Chromium makes in it must stay within
     * the 107 bytes of a Unix socket's name.
     */
    private static Path temporaryFolder() throws IOException {
        return Files.createTempDirectory("chromium");
    }

    private static ProcessBuilder builder(Path directory, Path temporary, String page, List<String> flags)
            throws IOException {
        Path chromium = PeerTools.require("chromium");
        Path profile = Files.createTempDirectory(directory, "chromium-profile-");
        List<String> command = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-breakpad", "--disable-crash-reporter",
                "--user-data-dir=" + profile));
        command.addAll(flags);
        command.add(page);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("TMPDIR", temporary.toString());
        return builder;
    }

    /** What Chromium printed so far, for a failure's message. */
    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    /**
     * Stops the browser and every process it started, and deletes its temporary folder; fails the test if they do
     * not end.
     */
    @Override
    public void close() throws InterruptedException, IOException {
        List<ProcessHandle> children = process.descendants().toList();
        children.forEach(ProcessHandle::destroy);
        process.destroy();
        boolean ended = process.waitFor(10, TimeUnit.SECONDS)
                || process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        // The renderers and helpers write to the profile in the test's folder until they end: the test's cleanup
        // must not find them still writing (seen once, JUnit failing to delete the folder).
        for (ProcessHandle child : children) {
            ended &= awaitEnd(child);
        }
        deleteTree(temporary);
        assertTrue(ended, "chromium did not stop");
    }

    private static boolean awaitEnd(ProcessHandle child) throws InterruptedException {
        try {
            child.onExit().get(10, TimeUnit.SECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            child.destroyForcibly();
            try {
                child.onExit().get(10, TimeUnit.SECONDS);
                return true;
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException again) {
                return false;
            }
        } catch (java.util.concurrent.ExecutionException e) {
            return true;
        }
    }

    private static void deleteTree(Path folder) throws IOException {
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
