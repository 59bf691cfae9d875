package dev.wisp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.testing.RawPeer;
import dev.wisp.testing.RawResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server whose descriptor table is full, in a child JVM with a low limit: the listener pauses and keeps
 * accepting once descriptors come back, logging the trouble once; a file that cannot be opened then is a 503,
 * not a 404.
 */
class DescriptorExhaustionIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    /** Enough for the JVM and its class path, few enough to fill with sockets quickly. */
    private static final int MAX_DESCRIPTORS = 256;
    /** More sockets than the child can hold; the filling stops early once the child reports a failed accept. */
    private static final int MAX_FILLERS = 600;
    /** How long "eventually" may take on a slow, loaded machine. */
    private static final Duration EVENTUALLY = Duration.ofSeconds(30);

    @TempDir
    Path files;

    @Test
    void keepsAcceptingOnceDescriptorsComeBackAndLogsTheTroubleOnce() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            try (ChildServer child = ChildServer.start(MAX_DESCRIPTORS, files)) {
                List<Socket> fillers = new ArrayList<>();
                try {
                    String failure = fill(child, fillers);
                    assertNotNull(failure, "no failed accept logged after " + fillers.size() + " connections: "
                            + child.logLines());
                    assertTrue(failure.startsWith("WARNING: accept failed"), failure);
                    try (RawPeer probe = RawPeer.connect(child.port())) {
                        probe.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
                        closeAll(fillers);
                        assertTrue(probe.isReadable(EVENTUALLY), "no answer once descriptors were freed");
                        RawResponse response = probe.readResponse();
                        assertEquals(200, response.status());
                        assertEquals("hello\n", response.bodyText());
                    }
                    assertNotNull(child.awaitLog("accepting again", EVENTUALLY), child.logLines().toString());
                    long warnings = child.logLines().stream().filter(line -> line.contains("accept failed")).count();
                    assertEquals(1, warnings, child.logLines().toString());
                } finally {
                    closeAll(fillers);
                }
            }
        });
    }

    @Test
    void answers503WhenAnExistingFileCannotBeOpened() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Files.writeString(files.resolve("hello.txt"), "hello world\n");
            Files.createDirectory(files.resolve("sub"));
            try (ChildServer child = ChildServer.start(MAX_DESCRIPTORS, files);
                    RawPeer peer = RawPeer.connect(child.port())) {
                // The same requests before the table is full load every class their answers need.
                assertEquals(200, get(peer, "/files/hello.txt").status());
                assertEquals(200, get(peer, "/files/sub/").status());
                assertEquals(404, get(peer, "/files/missing.txt").status());
                assertEquals("exhausted", child.command("exhaust"));

                RawResponse file = get(peer, "/files/hello.txt");
                assertEquals(503, file.status(), file.text());
                assertEquals("1", file.headers().first("Retry-After").orElse(null));
                assertEquals(503, get(peer, "/files/sub/").status());
                assertEquals(404, get(peer, "/files/missing.txt").status());
                for (int i = 0; i < 5; i++) {
                    assertEquals(503, get(peer, "/files/hello.txt").status());
                }
                assertNotNull(child.awaitLog("WARNING: cannot open", EVENTUALLY), child.logLines().toString());

                assertEquals("released", child.command("release"));
                assertEquals("hello world\n", get(peer, "/files/hello.txt").bodyText());
                // Told once, not at every request (which flooded the log while the table was full), and its end.
                assertNotNull(child.awaitLog("INFO: files open again", EVENTUALLY), child.logLines().toString());
                assertEquals(1, child.logLines().stream().filter(line -> line.contains("cannot open")).count(),
                        child.logLines().toString());
                // The trouble again and again within the minute: told three times, no more (a client that flipped it
                // flooded the log, two lines a flip).
                for (int i = 0; i < 5; i++) {
                    assertEquals("exhausted", child.command("exhaust"));
                    assertEquals(503, get(peer, "/files/hello.txt").status());
                    assertEquals("released", child.command("release"));
                    assertEquals("hello world\n", get(peer, "/files/hello.txt").bodyText());
                }
                long end = System.nanoTime() + EVENTUALLY.toNanos(); // the child's log is read as it comes
                while (logged(child, "files open again") < 3 && System.nanoTime() - end < 0) {
                    Thread.sleep(20);
                }
                Thread.sleep(200); // time for a line too many to show
                assertEquals(3, logged(child, "cannot open"), child.logLines().toString());
                assertEquals(3, logged(child, "files open again"), child.logLines().toString());
            }
        });
    }

    private static long logged(ChildServer child, String text) {
        return child.logLines().stream().filter(line -> line.contains(text)).count();
    }

    private static RawResponse get(RawPeer peer, String path) throws IOException {
        peer.send("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
        return peer.readResponse();
    }

    /**
     * Connects until the child logs a failed accept, which it does once its table is full; the connections beyond
     * wait in its backlog. Returns the log line, or null if none came.
     */
    private static String fill(ChildServer child, List<Socket> fillers) throws InterruptedException {
        for (int i = 0; i < MAX_FILLERS; i++) {
            Socket socket = new Socket();
            fillers.add(socket);
            try {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), child.port()), 2_000);
            } catch (IOException e) {
                break; // the backlog is full too
            }
            if (i >= MAX_DESCRIPTORS / 2 && i % 16 == 0) {
                String failure = child.awaitLog("accept failed", Duration.ofMillis(50));
                if (failure != null) {
                    return failure;
                }
            }
        }
        return child.awaitLog("accept failed", EVENTUALLY);
    }

    private static void closeAll(List<Socket> sockets) {
        for (Socket socket : sockets) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing a client socket fails only if it is closed already
            }
        }
        sockets.clear();
    }
}
