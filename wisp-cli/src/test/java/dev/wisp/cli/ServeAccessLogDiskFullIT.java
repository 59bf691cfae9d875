package dev.wisp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.testing.PeerTools;
import dev.wisp.testing.SmallDisk;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wisp serve}'s access log on standard output redirected to a file on a disk that fills up and frees again.
 * Before, {@link java.io.PrintStream} wrote what a failed write left in its buffer again in front of the next line: a
 * line cut in two, the next glued to its first half, and no word of the lines lost. Now only the line whose write met
 * the full disk is cut, and ends there; the operator is told once as the trouble starts and once, with the count of
 * lines dropped, as it ends.
 */
class ServeAccessLogDiskFullIT {
    private static final Duration LIMIT = Duration.ofSeconds(90);
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    /** A line of the access log in its default form, for a request of this test. */
    private static final Pattern WHOLE_LINE = Pattern.compile(
            "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d 127\\.0\\.0\\.1 \"GET /\\?(\\w+)=(\\d+) HTTP/1\\.1\" 200 .+");

    @TempDir
    Path directory;

    @Test
    void writesOnlyWholeLinesAndTellsOfThoseDroppedWhileTheDiskIsFull() {
        assertTimeoutPreemptively(LIMIT, () -> {
            Files.writeString(directory.resolve("index.html"), "hello\n");
            try (SmallDisk disk = SmallDisk.mount(directory, 64)) {
                Path log = disk.path().resolve("access.log");
                ProcessBuilder command = WispProcess.command("serve", directory.toString(), "--plain", "--port", "0")
                        .redirectOutput(log.toFile());
                try (WispProcess wisp = WispProcess.start(command)) {
                    String base = "http://127.0.0.1:" + awaitPort(log);
                    get(base, "before", 3);
                    Path filler = disk.fill("filler");
                    get(base, "full", 150); // past the room left in the log's last page
                    wisp.awaitErr("cannot write the access log to standard output", TIMEOUT);
                    Files.delete(filler);
                    get(base, "after", 3);
                    String resumed = wisp.awaitErr("the access log is written to standard output again", TIMEOUT);
                    // The lines are written by a thread of their own: the last may follow the word that they are.
                    awaitLine(log, "?after=2 ");

                    List<String> lines = Files.readAllLines(log);
                    List<String> requests = new ArrayList<>();
                    List<String> cut = new ArrayList<>();
                    for (String line : lines.subList(bannerLines(lines), lines.size())) {
                        Matcher whole = WHOLE_LINE.matcher(line);
                        if (whole.matches()) {
                            requests.add(whole.group(1) + whole.group(2));
                        } else {
                            cut.add(line);
                        }
                    }
                    // The write that met the full disk put what fitted of its line in the file: that part ends there
                    // (or, if it took nothing, an empty line ends it), and the next line starts on its own.
                    assertTrue(cut.size() <= 1 && cut.stream().noneMatch(line -> line.indexOf("127.0.0.1") != line
                            .lastIndexOf("127.0.0.1")), "whole lines but one cut: " + String.join("\n", lines));
                    assertTrue(requests.containsAll(List.of("before0", "before1", "before2")), requests.toString());
                    assertTrue(requests.containsAll(List.of("after0", "after1", "after2")), requests.toString());
                    int logged = requests.size() - 6;
                    Matcher dropped = Pattern.compile("; (\\d+) lines? w(?:as|ere) dropped").matcher(resumed);
                    assertTrue(dropped.find(), resumed);
                    assertEquals(150 - logged, Integer.parseInt(dropped.group(1)), resumed);
                    assertEquals(1, wisp.errSeen().stream().filter(line -> line.contains("cannot write the access"))
                            .count(), String.join("\n", wisp.errSeen()));
                }
            }
        });
    }

    /** Asks for {@code /?name=i} for each i below count, on one connection, with curl. */
    private static void get(String base, String name, int count) throws Exception {
        List<String> command = new ArrayList<>(List.of(PeerTools.require("curl").toString(), "-s", "-S"));
        for (int i = 0; i < count; i++) {
            command.addAll(List.of("-o", "/dev/null", base + "/?" + name + "=" + i));
        }
        PeerTools.Result curl = PeerTools.run(TIMEOUT, command);
        assertEquals(0, curl.exitCode(), curl.stderr());
    }

    /** The port that {@code wisp serve} says it listens on, in its first lines in the file. */
    private static int awaitPort(Path log) throws Exception {
        Pattern serving = Pattern.compile("Serving .+ on http://127\\.0\\.0\\.1:(\\d+)/");
        long end = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < end) {
            Matcher matcher = serving.matcher(Files.readString(log));
            if (matcher.find()) {
                return Integer.parseInt(matcher.group(1));
            }
            Thread.sleep(20);
        }
        throw new AssertionError("wisp serve did not say where it listens: " + Files.readString(log));
    }

    /** Waits until the file has a line with this text. */
    private static void awaitLine(Path file, String text) throws Exception {
        long end = System.nanoTime() + TIMEOUT.toNanos();
        while (!Files.readString(file).contains(text)) {
            assertTrue(System.nanoTime() < end, "no line with " + text + " in " + Files.readString(file));
            Thread.sleep(20);
        }
    }

    /** How many lines at the start are not the access log's (where it serves, how to stop it). */
    private static int bannerLines(List<String> lines) {
        int first = 0;
        while (first < lines.size() && !WHOLE_LINE.matcher(lines.get(first)).matches()) {
            first++;
        }
        return first;
    }
}
