package dev.wisp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.testing.RawPeer;
import dev.wisp.testing.ScriptedWebSocketPeer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Connections that no thread comes back to: the server closes them and frees their places. The JDK can lose a
 * virtual thread for good under a full heap (JDK 25: a thread that parks then is never scheduled again, whatever
 * unparks it; {@link MemoryExhaustionIT} met it, about once in five runs on a loaded machine), which no test can
 * cause on purpose; here the threads are kept from the only carrier instead ({@link ChildServer#startOneCarrier()}),
 * which looks the same from outside, and let go afterwards, so that their own closes, after the server freed their
 * places, are seen to count nothing twice. Six connections, each waiting where a thread was lost: in a read that
 * its deadline ended, in the input watcher whose wait its idle timeout ended, not yet started, two WebSockets that
 * their pong timeout ended, one waiting in the input watcher, one in a read (the JDK closes a socket only once the
 * calls blocked on it end, so the peer learns of the close from the output shut before it), and a WebSocket without
 * pings whose wait in the input watcher ended as a message came, with no deadline, and no thread took it up.
 */
@Execution(ExecutionMode.CONCURRENT) // beside the other classes: it mostly waits, on a server in a process of its own
class LostThreadIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    /** The timeouts (2 and 3 s), the 5 s a thread has to come back, the sweeper's tick, room for a slow machine. */
    private static final Duration CLOSED_WITHIN = Duration.ofSeconds(30);
    private static final String HELLO = "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n";

    @Test
    void connectionsThatNoThreadComesBackToAreClosedAndTheirPlacesFreed() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            try (ChildServer child = ChildServer.startOneCarrier()) {
                try (RawPeer idle = RawPeer.connect(child.port()); RawPeer stuck = RawPeer.connect(child.port());
                        RawPeer spinner = RawPeer.connect(child.port());
                        ScriptedWebSocketPeer webSocket = ScriptedWebSocketPeer.open(child.port(), "/ws");
                        ScriptedWebSocketPeer busyWebSocket = ScriptedWebSocketPeer.open(child.port(), "/ws");
                        ScriptedWebSocketPeer quietWebSocket = ScriptedWebSocketPeer.open(child.port(), "/ws-quiet")) {
                    idle.send(HELLO);
                    assertEquals(200, idle.readResponse().status());
                    stuck.send("GET /hello HTTP/1.1\r\nHost: x\r\n"); // the head never ends
                    webSocket.sendText("warm");
                    assertEquals("warm", webSocket.read().text()); // its next wait goes to the input watcher
                    quietWebSocket.sendText("warm");
                    assertEquals("warm", quietWebSocket.read().text());
                    for (String text : List.of("one", "two")) { // in a burst: its thread waits in a read
                        busyWebSocket.sendText(text);
                        assertEquals(text, busyWebSocket.read().text());
                    }
                    Thread.sleep(1_000); // two wait in the input watcher, the others in a read for the rest
                    spinner.send("GET /spin HTTP/1.1\r\nHost: x\r\n\r\n"); // from now on no other thread runs
                    awaitSpinning(child);
                    quietWebSocket.sendText("unread"); // its wait ends, with no deadline, and no thread takes it up
                    try (Socket unserved = new Socket(InetAddress.getLoopbackAddress(), child.port())) {
                        // Their pings (1 s) go unanswered, the pong timeout (2 s) aborts them; a ping asked for once
                        // the spin began has no thread to write it, and is given 5 s more.
                        assertTrue(webSocket.isEndedByPeer(CLOSED_WITHIN), "WebSocket not closed while no thread"
                                + " can take up its wait's end; log: " + child.logLines());
                        assertTrue(busyWebSocket.isEndedByPeer(CLOSED_WITHIN), "WebSocket not closed while its"
                                + " thread cannot run its read; log: " + child.logLines());
                        assertTrue(quietWebSocket.isEndedByPeer(CLOSED_WITHIN), "WebSocket without pings not"
                                + " closed while no thread can take up its wait's end; log: " + child.logLines());
                        assertTrue(stuck.isClosedByPeer(CLOSED_WITHIN), "not closed while its thread cannot run"
                                + " its read; log: " + child.logLines());
                        assertTrue(idle.isClosedByPeer(CLOSED_WITHIN), "not closed while no thread can take up its"
                                + " wait's end; log: " + child.logLines());
                        assertTrue(isClosedByPeer(unserved), "not closed while its thread cannot start; log: "
                                + child.logLines());
                        assertEquals(1, openConnectionsWithin(child, 1, CLOSED_WITHIN),
                                "their places are free while their threads wait");
                    }
                    assertEquals("S", child.command("s"));
                    assertEquals(200, spinner.readResponse().status(), "the spin ends");
                }
                assertEquals(0, child.openConnectionsEventually(CLOSED_WITHIN),
                        "every connection ended, none counted twice");
                try (RawPeer peer = RawPeer.connect(child.port())) {
                    peer.send(HELLO);
                    assertEquals(200, peer.readResponse().status());
                    assertEquals("C1", child.command("c"));
                }
                assertEquals(0, child.openConnectionsEventually(CLOSED_WITHIN));
                List<String> told = child.logLines().stream()
                        .filter(line -> line.contains("did not come back") || line.contains("no thread served it"))
                        .toList();
                assertEquals(1, told.size(), "one line for the six, at most one a minute: " + child.logLines());
                assertTrue(told.getFirst().endsWith("(logged again at most once a minute)"), told.getFirst());
            }
        });
    }

    /** Waits until the spin holds the one carrier, so that what the test sends next finds no thread to serve it. */
    private static void awaitSpinning(ChildServer child) throws InterruptedException {
        long end = System.nanoTime() + CLOSED_WITHIN.toNanos();
        while (!child.command("p").equals("P1")) {
            assertTrue(System.nanoTime() < end, "the spin did not begin");
            Thread.sleep(10);
        }
    }

    /** The server's count of open connections once it drops to the count, or what it still is after this long. */
    private static int openConnectionsWithin(ChildServer child, int count, Duration within)
            throws InterruptedException {
        long end = System.nanoTime() + within.toNanos();
        int open;
        while ((open = child.openConnections()) > count && System.nanoTime() < end) {
            Thread.sleep(100);
        }
        if (open > count) {
            System.err.println("connections still open: " + child.command("d") + "\nlog: " + child.logLines());
        }
        return open;
    }

    /** Whether the server closes a connection on which nothing was sent, without a byte, within the time. */
    private static boolean isClosedByPeer(Socket socket) throws IOException {
        socket.setSoTimeout((int) CLOSED_WITHIN.toMillis());
        try {
            return socket.getInputStream().read() < 0;
        } catch (SocketException reset) {
            return true;
        }
    }
}
