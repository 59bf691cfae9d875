package dev.wisp.websocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.internal.SessionTimers.Action;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The idle ping's timers by the clock the sweeper passes: when a ping is asked for, and when its answer is late. */
class SessionTimersTest {
    private static final long MS = 1_000_000;
    private static final WebSocketConfig PINGING = WebSocketConfig.builder().pingInterval(Duration.ofMillis(100))
            .pongTimeout(Duration.ofMillis(200)).build();

    private final SessionTimers timers = new SessionTimers(PINGING);
    private final long start = System.nanoTime();

    private Action due(long afterMillis) {
        return timers.due(start + afterMillis * MS, 0, false);
    }

    @Test
    void asksForOnePingAfterPingIntervalAndTimesItsAnswerFromItsWrite() {
        timers.received(start);
        assertEquals(Action.NONE, due(99));
        assertEquals(Action.PING, due(100));
        assertEquals(Action.NONE, due(101), "one ping at a time");
        assertEquals(Action.NONE, due(5_000), "not written yet: its thread is late, not the peer");
        timers.pingWritten(start + 5_000 * MS);
        assertEquals(Action.NONE, due(5_199));
        assertEquals(Action.ABORT, due(5_200));
        assertEquals("no answer to a ping within 200 ms (pongTimeout)", timers.abortReason());
    }

    @Test
    void anAnswerBeforeThePingsWriteIsStampedLeavesNoTimer() {
        timers.received(start);
        assertEquals(Action.PING, due(100));
        timers.received(start + 101 * MS); // the pong, read before the writing thread returned
        timers.pingWritten(start + 102 * MS);
        assertEquals(Action.NONE, due(200));
        assertEquals(Action.PING, due(201), "idle again for pingInterval: the next ping, never an abort");
    }

    @Test
    void asksAgainForAPingThatWasNotWritten() {
        timers.received(start);
        assertEquals(Action.PING, due(100));
        timers.pingNotWritten();
        assertEquals(Action.PING, due(110));
    }
}
