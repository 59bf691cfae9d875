package dev.wisp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.testing.RawPeer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Connections that no thread comes back to: the server closes them and frees their places. The JDK can lose a
 * virtual thread for good under a full heap (JDK 25: a thread that parks then is never scheduled again, whatever
 * unparks it; {@link MemoryExhaustionIT} met it, about once in five runs on a loaded machine), which no test can
 * cause on purpose; here the threads are kept from the only carrier instead ({@link ChildServer#startOneCarrier()}),
 * which looks the same from outside, and let go afterwards, so that their own closes, after the server freed their
 * places, are seen to count nothing twice. Three connections, each waiting where a thread was lost: in a read that
 * its deadline ended, in the input watcher whose wait its idle timeout ended, and not yet started.
 */
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
                        RawPeer spinner = RawPeer.connect(child.port())) {
                    idle.send(HELLO);
                    assertEquals(200, idle.readResponse().status());
                    stuck.send("GET /hello HTTP/1.1\r\nHost: x\r\n"); // the head never ends
                    Thread.sleep(1_000); // one waits in the input watcher, the other in a read for the rest
                    spinner.send("GET /spin HTTP/1.1\r\nHost: x\r\n\r\n"); // from now on no other thread runs
                    try (Socket unserved = new Socket(InetAddress.getLoopbackAddress(), child.port())) {
                        assertTrue(stuck.isClosedByPeer(CLOSED_WITHIN), "not closed while its thread cannot run"
                                + " its read; log: " + child.logLines());
                        assertTrue(idle.isClosedByPeer(CLOSED_WITHIN), "not closed while no thread can take up its"
                                + " wait's end; log: " + child.logLines());
                        assertTrue(isClosedByPeer(unserved), "not closed while its thread cannot start; log: "
                                + child.logLines());
                        assertEquals("C1", child.command("c"), "their places are free while their threads wait");
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
                assertEquals(1, told.size(), "one line for the three, at most one a minute: " + child.logLines());
                assertTrue(told.getFirst().endsWith("(logged again at most once a minute)"), told.getFirst());
            }
        });
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
