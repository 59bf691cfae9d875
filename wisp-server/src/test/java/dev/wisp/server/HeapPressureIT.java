package dev.wisp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.http2.ErrorCode;
import dev.wisp.testing.RawPeer;
import dev.wisp.testing.RawResponse;
import dev.wisp.testing.TestTransport;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * A server whose heap garbage collections find nearly full ({@link CommandServer} in a child JVM with a small heap,
 * filled to 90% and held) sheds load, and takes work again once the heap has room: a request on a connection open
 * before is answered 503, and so is an upload under way; a connection that stays idle is closed; a new connection
 * waits in the backlog unanswered (but the one the accept under way takes, answered 503); a new HTTP/2 stream is
 * refused (REFUSED_STREAM, which a client may send again); and once the heap is let go that one is served; each turn
 * is logged once. Plaintext and over TLS (where a new connection's handshake waits as well, so the backlog and
 * HTTP/2 are looked at in plaintext only).
 */
@Execution(ExecutionMode.CONCURRENT) // beside the other classes: it mostly waits, on a server in a process of its own
@ResourceLock(ChildServer.FULL_HEAP)
class HeapPressureIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final Duration EVENTUALLY = Duration.ofSeconds(20);
    private static final String HELLO = "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n";

    @Test
    void aServerWhoseHeapIsNearlyFullShedsLoadAndTakesWorkAgainOnceItHasRoom() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            try (ChildServer child = ChildServer.startLowMemory("48m", "-Dwisp.test.http2=true")) {
                try (RawPeer kept = RawPeer.connect(child.port()); RawPeer idle = RawPeer.connect(child.port());
                        RawPeer uploading = RawPeer.connect(child.port());
                        Http2TestPeer multiplexed = TestTransport.isTls() ? null : Http2TestPeer.start(child.port())) {
                    uploading.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n"
                            + "x".repeat(1000));
                    kept.send(HELLO);
                    assertEquals(200, kept.readResponse().status());
                    idle.send(HELLO);
                    assertEquals(200, idle.readResponse().status());
                    if (multiplexed != null) {
                        multiplexed.get(1, "/hello");
                        assertEquals(200, multiplexed.expectResponse(1).status());
                    }

                    assertEquals("N", child.command("n"));
                    RawResponse refused = refusedSoon(kept);
                    assertEquals(503, refused.status(), refused::text);
                    assertTrue(refused.text().contains("short of memory"), refused::text);
                    if (multiplexed != null) {
                        // New streams are refused, as the heap is known to be full by now; asked at once, as the
                        // sweeper soon closes a connection that makes no progress, an idle HTTP/2 one too.
                        int refusedStream = 3;
                        multiplexed.get(refusedStream, "/hello");
                        multiplexed.expectReset(refusedStream, ErrorCode.REFUSED_STREAM);
                    }
                    // An upload under way: its next read is refused, or ended for want of progress, and the client
                    // is told why (it got a 500 before 2026-12-06).
                    uploading.send("x".repeat(1000));
                    RawResponse cutOff = uploading.readResponse();
                    assertEquals(503, cutOff.status(), cutOff::text);
                    assertTrue(cutOff.text().contains("short of memory"), cutOff::text);
                    child.awaitLog("full after garbage collection", EVENTUALLY);
                    assertTrue(idle.isClosedByPeer(EVENTUALLY), "an idle connection kept while the heap was full");

                    if (!TestTransport.isTls()) {
                        // The accept under way as the heap filled takes one more connection, which gets a 503 (or
                        // waits, had the listener been between two accepts); the next waits in the backlog.
                        int first = answerToANewConnection(child.port());
                        assertTrue(first == 503 || first == 0, "a new connection answered " + first);
                        RawPeer waiting = RawPeer.connect(child.port());
                        waiting.send(HELLO);
                        assertFalse(waiting.isReadable(Duration.ofSeconds(1)), "a new connection served meanwhile");
                        assertEquals("R", child.command("r"));
                        try (RawPeer served = waiting) {
                            assertTrue(served.isReadable(EVENTUALLY), "the waiting connection never served; log: "
                                    + child.logLines());
                            assertEquals(200, served.readResponse().status());
                        }
                    } else {
                        assertEquals("R", child.command("r"));
                    }
                    child.awaitLog("the heap has room again", EVENTUALLY);
                    try (RawPeer again = RawPeer.connect(child.port())) {
                        again.send(HELLO);
                        assertEquals(200, again.readResponse().status());
                    }
                }
            }
        });
    }

    /** The status of the answer to a request on a new connection; 0 if none comes within a second. */
    private static int answerToANewConnection(int port) throws Exception {
        try (RawPeer peer = RawPeer.connect(port)) {
            peer.send(HELLO);
            return peer.isReadable(Duration.ofSeconds(1)) ? peer.readResponse().status() : 0;
        }
    }

    /**
     * The answer to a request sent as the heap has just filled: the server hears of the collection that found it so
     * a moment later, so a 200 before that is asked again.
     */
    private static RawResponse refusedSoon(RawPeer peer) throws Exception {
        RawResponse answer;
        int tries = 0;
        do {
            peer.send(HELLO);
            answer = peer.readResponse();
            if (answer.status() == 200) {
                Thread.sleep(20);
            }
        } while (answer.status() == 200 && ++tries < 20);
        return answer;
    }
}
