package dev.wisp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.wisp.testing.PeerTools;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wisp serve} on a small heap (32 MiB) that clients fill and hold full, three ways nobody needs to log in for:
 * request heads that never end, downloads nobody reads, and WebSocket messages to {@code /ws} whose echoes nobody
 * reads; and 40 HTTP/2 connections of 50 streams each downloading a file they never read, which filled it too, as
 * every stream ran a handler (now {@code maxActiveStreams} fits the heap; a client that reads all it asks for, h2load
 * with as many streams, filled it too). Before the server shed load, each filled the heap within a second; the JDK's
 * poller thread died of the {@link OutOfMemoryError}, after which no blocked read woke again: the server never
 * answered again, and ignored SIGTERM. Now collections that leave the heap nearly full make it shed (new connections
 * wait, stalled ones close, WebSocket messages get 1013), it says so, it serves again once the clients have gone, and
 * it stops on a signal.
 */
class ServeHeapPressureIT {
    private static final Duration LIMIT = Duration.ofSeconds(150);
    /** How long the clients hold what they took before they go. */
    private static final long HOLD_MILLIS = 3_000;
    private static final Duration RECOVERY = Duration.ofSeconds(30);

    @TempDir
    Path directory;

    @Test
    void clientsThatHoldTheHeapFullAreShedAndTheServerServesOnAndStops() {
        assertTimeoutPreemptively(LIMIT, () -> {
            Files.writeString(directory.resolve("a.txt"), "still here\n");
            Files.write(directory.resolve("big.bin"), new byte[10 * 1024 * 1024]);
            ProcessBuilder command = WispProcess.command("serve", directory.toString(), "--plain", "--port", "0",
                    "--quiet");
            command.command().add(1, "-Xmx32m");
            try (WispProcess wisp = WispProcess.start(command)) {
                int port = wisp.awaitPlaintextPort(Duration.ofSeconds(30));
                assertServesEventually(wisp, port, "before any attack");

                holdThenLeave(unendingHeads(port, 2_000));
                assertServesEventually(wisp, port, "after 2,000 request heads that never end");

                holdThenLeave(unreadDownloads(port, 800));
                assertServesEventually(wisp, port, "after 800 downloads nobody read");

                holdThenLeave(unreadEchoes(port, 300));
                assertServesEventually(wisp, port, "after 300 WebSocket messages whose echoes nobody read");

                holdThenLeave(unreadHttp2Downloads(port, 40, 50));
                assertServesEventually(wisp, port, "after 40 HTTP/2 connections of 50 unread downloads each");

                assertTrue(wisp.errSeen().stream().anyMatch(line -> line.contains("full after garbage collection")),
                        "the server never said it shed load: " + wisp.errSeen());
                wisp.signal("TERM");
                try {
                    wisp.awaitExit(Duration.ofSeconds(20));
                } catch (AssertionError stillRunning) {
                    Path dump = directory.resolve("threads.txt"); // virtual threads too
                    PeerTools.run(Duration.ofSeconds(20), List.of(Path.of(System.getProperty("java.home"), "bin",
                            "jcmd").toString(), Long.toString(wisp.pid()), "Thread.dump_to_file", dump.toString()));
                    throw new AssertionError("no stop on SIGTERM; log: " + wisp.errSeen() + "\nthreads:\n"
                            + (Files.exists(dump) ? Files.readString(dump) : "(no dump)"), stillRunning);
                }
                List<String> died = wisp.errSeen().stream().filter(line -> line.contains("OutOfMemoryError")).toList();
                assertEquals(List.of(), died, "a thread ran out of memory");
            }
        });
    }

    /** Connections that each send 14 KB of a request head (fields of 1,000 bytes, within the limits) and stop. */
    private static List<Socket> unendingHeads(int port, int count) {
        StringBuilder head = new StringBuilder("GET /a.txt HTTP/1.1\r\nHost: x\r\n");
        for (int i = 0; i < 14; i++) {
            head.append("X-Field-").append(i).append(": ").append("a".repeat(1_000)).append("\r\n");
        }
        byte[] bytes = head.toString().getBytes(StandardCharsets.US_ASCII);
        return openEach(port, count, 0, socket -> socket.getOutputStream().write(bytes));
    }

    /** Connections that each ask for a 10 MiB file and read none of it. */
    private static List<Socket> unreadDownloads(int port, int count) {
        byte[] request = "GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        return openEach(port, count, 4_096, socket -> socket.getOutputStream().write(request));
    }

    /**
     * WebSockets to the echo that each send a 1 MB binary message (a mask of zeros: the bytes as they are) and read
     * nothing, from threads of their own: a write blocks once the server stops reading.
     */
    private static List<Socket> unreadEchoes(int port, int count) throws InterruptedException {
        byte[] upgrade = ("GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        int length = 1_000_000;
        byte[] frameHead = {(byte) 0x82, (byte) 0xff, 0, 0, 0, 0, 0, (byte) (length >>> 16), (byte) (length >>> 8),
            (byte) length, 0, 0, 0, 0};
        List<Socket> sockets = Collections.synchronizedList(new ArrayList<>());
        List<Thread> senders = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            senders.add(Thread.ofVirtual().start(() -> {
                try {
                    Socket socket = connect(port, 4_096);
                    sockets.add(socket);
                    OutputStream out = socket.getOutputStream();
                    out.write(upgrade);
                    if (!readHead(socket.getInputStream()).startsWith("HTTP/1.1 101")) {
                        return;
                    }
                    out.write(frameHead);
                    byte[] chunk = new byte[64 * 1024];
                    for (int sent = 0; sent < length; sent += chunk.length) {
                        out.write(chunk, 0, Math.min(chunk.length, length - sent));
                    }
                } catch (IOException e) {
                    // refused, shed or closed by the test: what the server does is checked afterwards
                }
            }));
        }
        Thread.sleep(HOLD_MILLIS); // the senders block in their writes; the sockets' close ends them
        return sockets;
    }

    /**
     * HTTP/2 connections (h2c with prior knowledge) that each open this many streams asking for the 10 MiB file and
     * read nothing: the default windows let the server send 64 KiB a connection, and every stream's handler waits
     * to send the rest, holding what it holds.
     */
    private static List<Socket> unreadHttp2Downloads(int port, int connections, int streams) {
        byte[] path = "/big.bin".getBytes(StandardCharsets.US_ASCII);
        // HPACK: :method GET and :scheme http from the static table, :path and :authority as literals (§C.2.2).
        byte[] block = new byte[2 + 2 + path.length + 3];
        block[0] = (byte) 0x82;
        block[1] = (byte) 0x86;
        block[2] = 0x04;
        block[3] = (byte) path.length;
        System.arraycopy(path, 0, block, 4, path.length);
        block[4 + path.length] = 0x01;
        block[5 + path.length] = 1;
        block[6 + path.length] = 'x';
        byte[] preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] settings = {0, 0, 0, 4, 0, 0, 0, 0, 0};
        return openEach(port, connections, 4_096, socket -> {
            OutputStream out = socket.getOutputStream();
            out.write(preface);
            out.write(settings);
            for (int i = 0; i < streams; i++) {
                int id = 2 * i + 1;
                // HEADERS with END_STREAM and END_HEADERS
                out.write(new byte[] {0, 0, (byte) block.length, 1, 5, (byte) (id >>> 24), (byte) (id >>> 16),
                    (byte) (id >>> 8), (byte) id});
                out.write(block);
            }
        });
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        for (int b; !head.toString().endsWith("\r\n\r\n") && (b = in.read()) >= 0; ) {
            head.append((char) b);
        }
        return head.toString();
    }

    private interface Send {
        void to(Socket socket) throws IOException;
    }

    /** Opens the connections one after another; those the server does not take in time are left out. */
    private static List<Socket> openEach(int port, int count, int receiveBuffer, Send send) {
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            try {
                Socket socket = connect(port, receiveBuffer);
                sockets.add(socket);
                send.to(socket);
            } catch (IOException e) {
                // the backlog full while the server sheds: this client is one fewer
            }
        }
        return sockets;
    }

    private static Socket connect(int port, int receiveBuffer) throws IOException {
        Socket socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
        return socket;
    }

    private static void holdThenLeave(List<Socket> sockets) throws InterruptedException {
        Thread.sleep(HOLD_MILLIS);
        synchronized (sockets) {
            for (Socket socket : sockets) {
                try {
                    socket.close();
                } catch (IOException e) {
                    // gone already
                }
            }
        }
    }

    /** Fetches a small file with curl until it comes, for {@link #RECOVERY} at most. */
    private static void assertServesEventually(WispProcess wisp, int port, String when) throws Exception {
        long end = System.nanoTime() + RECOVERY.toNanos();
        PeerTools.Result last;
        do {
            last = PeerTools.run(Duration.ofSeconds(10), List.of(PeerTools.require("curl").toString(), "-s", "-S",
                    "-m", "3", "http://127.0.0.1:" + port + "/a.txt"));
            if ("still here\n".equals(last.stdout())) {
                return;
            }
        } while (System.nanoTime() < end);
        fail("no answer " + when + " within " + RECOVERY + ": " + last.stderr() + "; log: " + wisp.errSeen());
    }
}
