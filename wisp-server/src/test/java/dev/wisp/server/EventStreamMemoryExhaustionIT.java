package dev.wisp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.testing.RawPeer;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Open event streams while a server's heap is full ({@link CommandServer} in a child JVM with a small heap): the
 * heartbeats, which a thread shared by every stream starts, stop while nothing can be allocated and come again once
 * memory is back, on the streams still open; and the streams whose clients left then end, every connection with
 * them. Before, a heartbeat thread that could not start ended the shared ticking for good: no stream had a heartbeat
 * again, and none whose client left ever ended.
 */
@Execution(ExecutionMode.CONCURRENT) // beside the other classes: it mostly waits, on a server in a process of its own
@ResourceLock(ChildServer.FULL_HEAP)
class EventStreamMemoryExhaustionIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final Duration EVENTUALLY = Duration.ofSeconds(30);
    private static final String EVENTS = "GET /events HTTP/1.1\r\nHost: x\r\n\r\n";
    private static final int STREAMS = 4;

    @Test
    void heartbeatsComeAgainOnceMemoryIsBackAndFindTheClientsThatLeft() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            try (ChildServer child = ChildServer.startLowMemory("48m")) {
                List<RawPeer> streams = new ArrayList<>();
                try {
                    for (int i = 0; i < STREAMS; i++) {
                        RawPeer peer = RawPeer.connect(child.port());
                        streams.add(peer);
                        peer.send(EVENTS);
                        assertEquals(200, peer.readResponseHead().status());
                        peer.readUntil("data: hello\n\n\r\n");
                        peer.readUntil(":\n\r\n"); // a first heartbeat: every class it needs is loaded
                    }
                    assertEquals("F", child.command("f"));
                    Thread.sleep(2_000); // ten heartbeat intervals with the heap full
                    assertEquals("R", child.command("r"));
                    for (RawPeer peer : streams.subList(0, STREAMS / 2)) {
                        assertTrue(heartbeatEventually(peer), "no heartbeat once memory was back; log: "
                                + child.logLines() + "; threads:\n" + child.threadDump());
                    }
                } finally {
                    for (RawPeer peer : streams) {
                        peer.close();
                    }
                }
                assertEquals(0, child.openConnectionsEventually(EVENTUALLY),
                        "event streams whose clients left are still open");
            }
        });
    }

    /** Reads what the stream sent under the full heap, if anything, until a heartbeat; false if none comes. */
    private static boolean heartbeatEventually(RawPeer peer) throws IOException {
        long end = System.nanoTime() + EVENTUALLY.toNanos();
        while (System.nanoTime() < end) {
            if (!peer.isReadable(Duration.ofSeconds(1))) {
                continue;
            }
            peer.readUntil(":\n\r\n");
            return true;
        }
        return false;
    }
}
