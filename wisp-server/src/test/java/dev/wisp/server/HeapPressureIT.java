package dev.wisp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.http2.ErrorCode;
import dev.wisp.http2.FrameType;
import dev.wisp.testing.RawPeer;
import dev.wisp.testing.RawResponse;
import dev.wisp.testing.TestTransport;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * A server whose heap garbage collections find nearly full ({@link CommandServer} in a child JVM with a small heap,
 * filled to 90% and held) sheds load, and takes work again once the heap has room: a request on a connection open
 * before is answered 503, on one whose wait for it began while the heap was full too, and so is an upload under way; a connection that stays idle is closed; a new connection
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
    private static final int ASK_PAUSE_MILLIS = 20;

    @Test
    void aServerWhoseHeapIsNearlyFullShedsLoadAndTakesWorkAgainOnceItHasRoom() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            try (ChildServer child = ChildServer.startLowMemory("48m", "-Dwisp.test.http2=true")) {
                try (RawPeer kept = RawPeer.connect(child.port()); RawPeer idle = RawPeer.connect(child.port());
                        RawPeer uploading = RawPeer.connect(child.port()); RawPeer held = RawPeer.connect(child.port());
                        Http2TestPeer multiplexed = TestTransport.isTls() ? null : Http2TestPeer.start(child.port())) {
                    uploading.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n"
                            + "x".repeat(1000));
                    kept.send(HELLO);
                    assertEquals(200, kept.readResponse().status());
                    // Its next request, sent at once and held until the heap is full, is one of a burst: the wait
                    // after it keeps the connection's buffer and reads at once.
                    held.send(HELLO);
                    assertEquals(200, held.readResponse().status());
                    held.send("GET /held HTTP/1.1\r\nHost: x\r\n\r\n");
                    idle.send(HELLO);
                    assertEquals(200, idle.readResponse().status());
                    if (multiplexed != null) {
                        multiplexed.get(1, "/hello");
                        assertEquals(200, multiplexed.expectResponse(1).status());
                    }

                    // Both ask again and again while the heap fills: the sweeper closes a connection that makes no
                    // progress for a tick while the server sheds load (an idle HTTP/2 one too), so one left idle
                    // while the heap fills may be closed before its request is read.
                    CompletableFuture<RawResponse> refusal = askOnThreadOfItsOwn(() -> refusedSoon(kept));
                    CompletableFuture<ErrorCode> streamRefusal = multiplexed == null ? null
                            : askOnThreadOfItsOwn(() -> streamRefusedSoon(multiplexed));
                    assertEquals("N", child.command("n"));
                    RawResponse refused = refusal.get(EVENTUALLY.toSeconds(), TimeUnit.SECONDS);
                    assertEquals(503, refused.status(), refused::text);
                    assertTrue(refused.text().contains("short of memory"), refused::text);
                    // When to come back, as a handler's 503 for want of memory says it (none before 2026-12-06).
                    assertEquals(Optional.of("1"), refused.header("Retry-After"), refused::text);
                    if (streamRefusal != null) {
                        // New streams are refused (REFUSED_STREAM, which a client may send again).
                        assertEquals(ErrorCode.REFUSED_STREAM,
                                streamRefusal.get(EVENTUALLY.toSeconds(), TimeUnit.SECONDS));
                    }
                    // An upload under way: its next read is refused, or ended for want of progress, and the client
                    // is told why (it got a 500 before 2026-12-06).
                    uploading.send("x".repeat(1000));
                    RawResponse cutOff = uploading.readResponse();
                    assertEquals(503, cutOff.status(), cutOff::text);
                    assertTrue(cutOff.text().contains("short of memory"), cutOff::text);
                    child.awaitLog("full after garbage collection", EVENTUALLY);
                    assertTrue(idle.isClosedByPeer(EVENTUALLY), "an idle connection kept while the heap was full");
                    // A connection whose wait for its next request begins while the heap is full: that request too
                    // is answered 503 (the wait's read was refused, and the connection closed without a word).
                    assertEquals("H", child.command("h"));
                    assertEquals(200, held.readResponse().status());
                    held.send(HELLO);
                    RawResponse refusedAfterWait = held.readResponse();
                    assertEquals(503, refusedAfterWait.status(), refusedAfterWait::text);

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

    /** Runs an ask on a virtual thread of its own, so that two connections ask side by side. */
    private static <T> CompletableFuture<T> askOnThreadOfItsOwn(Callable<T> ask) {
        CompletableFuture<T> answer = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                answer.complete(ask.call());
            } catch (Throwable e) {
                answer.completeExceptionally(e);
            }
        });
        return answer;
    }

    /**
     * The first answer other than 200 to requests sent every {@value #ASK_PAUSE_MILLIS} ms, as the heap fills: the
     * server hears of the collection that finds it full a moment after it is.
     */
    private static RawResponse refusedSoon(RawPeer peer) throws Exception {
        long end = System.nanoTime() + EVENTUALLY.toNanos();
        RawResponse answer;
        do {
            peer.send(HELLO);
            answer = peer.readResponse();
            if (answer.status() == 200) {
                Thread.sleep(ASK_PAUSE_MILLIS);
            }
        } while (answer.status() == 200 && System.nanoTime() - end < 0);
        return answer;
    }

    /** The error code of the first stream reset, asked for on a new stream every {@value #ASK_PAUSE_MILLIS} ms. */
    private static ErrorCode streamRefusedSoon(Http2TestPeer peer) throws Exception {
        long end = System.nanoTime() + EVENTUALLY.toNanos();
        for (int streamId = 3; System.nanoTime() - end < 0; streamId += 2) {
            peer.get(streamId, "/hello");
            Http2TestPeer.Received frame;
            do {
                frame = peer.next();
                if (frame.is(FrameType.GOAWAY)) {
                    throw new AssertionError("the connection ended while its streams were asked for: " + frame);
                }
                if (frame.is(FrameType.RST_STREAM) && frame.streamId() == streamId) {
                    return frame.errorCode();
                }
            } while (frame.streamId() != streamId || !frame.has(Http2TestPeer.END_STREAM));
            Thread.sleep(ASK_PAUSE_MILLIS);
        }
        throw new AssertionError("no stream refused within " + EVENTUALLY);
    }
}
