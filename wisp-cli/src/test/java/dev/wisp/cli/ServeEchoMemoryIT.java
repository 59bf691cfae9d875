package dev.wisp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.testing.PeerTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wisp serve}'s echo under many large uploads at once on a small heap: nghttp2's h2load posts 256 KiB bodies
 * on 40 streams of each of 4 connections to a server with a 32 MiB heap (well within its 256 streams at once,
 * {@code maxActiveStreams}, past which streams are refused: a stream's place comes back once its handler has returned,
 * a moment after the client has its answer, so that 64 streams a connection met refusals). When the echo read every
 * body whole, 400 bodies at once (100 streams a connection, before that bound) filled the heap, and with the stream
 * handlers the JDK then lost (virtual threads parked as the heap filled are not always scheduled again) holding
 * theirs, the server served nothing more, for good. With a body over 8 KiB held in a temporary file, every echo is
 * answered and the server serves on.
 */
class ServeEchoMemoryIT {
    private static final Duration LIMIT = Duration.ofSeconds(90);

    @TempDir
    Path directory;

    @Test
    void answersEveryLargeEchoOnASmallHeapAndServesOn() {
        assertTimeoutPreemptively(LIMIT, () -> {
            byte[] body = new byte[256 * 1024];
            new Random(3).nextBytes(body);
            Path upload = Files.write(directory.resolve("upload.bin"), body);
            Files.writeString(directory.resolve("a.txt"), "still here\n");
            ProcessBuilder command = WispProcess.command("serve", directory.toString(), "--plain", "--port", "0");
            command.command().add(1, "-Xmx32m");
            try (WispProcess wisp = WispProcess.start(command)) {
                String base = "http://127.0.0.1:" + wisp.awaitPlaintextPort(Duration.ofSeconds(30));
                for (int round = 0; round < 2; round++) {
                    PeerTools.Result load = PeerTools.run(Duration.ofSeconds(40), List.of(
                            PeerTools.require("h2load").toString(), "-n", "800", "-c", "4", "-m", "40",
                            "-d", upload.toString(), base + "/echo"));
                    assertTrue(load.stdout().contains("800 succeeded, 0 failed"), "round " + round + ":\n"
                            + load.stdout());
                    assertTrue(load.stdout().contains("800 2xx"), load.stdout());
                }
                PeerTools.Result file = PeerTools.run(Duration.ofSeconds(10), List.of(
                        PeerTools.require("curl").toString(), "-s", "-S", "-m", "5", base + "/a.txt"));
                assertEquals("still here\n", file.stdout(), file.stderr());
            }
        });
    }

    /**
     * A long body that cannot be put in a temporary file (here the folder is missing; a full disk alike) is answered
     * 507, the operator told once, and once the folder is there the echo works again.
     */
    @Test
    void answers507WhileALongBodyCannotBeHeldAndRecovers() {
        assertTimeoutPreemptively(LIMIT, () -> {
            Path upload = Files.write(directory.resolve("upload.bin"), new byte[20_000]);
            Path spool = directory.resolve("spool");
            ProcessBuilder command = WispProcess.command("serve", directory.toString(), "--plain", "--port", "0");
            command.command().add(1, "-Djava.io.tmpdir=" + spool);
            try (WispProcess wisp = WispProcess.start(command)) {
                String echo = "http://127.0.0.1:" + wisp.awaitPlaintextPort(Duration.ofSeconds(30)) + "/echo";
                List<String> post = List.of(PeerTools.require("curl").toString(), "-s", "-o", "/dev/null", "-w",
                        "%{http_code}", "--data-binary", "@" + upload, echo);
                assertEquals("507", PeerTools.run(Duration.ofSeconds(10), post).stdout());
                assertEquals("507", PeerTools.run(Duration.ofSeconds(10), post).stdout());
                wisp.awaitErr("/echo cannot hold long bodies", Duration.ofSeconds(10));
                Files.createDirectory(spool);
                assertEquals("200", PeerTools.run(Duration.ofSeconds(10), post).stdout());
                assertEquals(1, wisp.errSeen().stream().filter(line -> line.contains("cannot hold")).count(),
                        String.join("\n", wisp.errSeen()));
                try (var left = Files.list(spool)) {
                    assertEquals(0, left.count(), "the temporary file is deleted");
                }
            }
        });
    }
}
