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

    /** No thread to write it (a carrier held for good, no memory to start one): the session is not kept for ever. */
    @Test
    void abortsWhenNoThreadWritesThePingWithinPongTimeoutAndTheGraceOfItsFirstAsk() {
        timers.received(start);
        assertEquals(Action.PING, due(100));
        assertEquals(Action.NONE, due(5_299));
        assertEquals(Action.ABORT, due(5_300));
        assertEquals("no thread wrote the idle ping within 200 ms (pongTimeout) and 5 s of its ask (the JVM short of"
                + " threads, memory or a carrier)", timers.abortReason());
    }

    @Test
    void boundsAPingAskedAgainAfterFailedStartsFromItsFirstAsk() {
        timers.received(start);
        assertEquals(Action.PING, due(100));
        timers.pingNotWritten();
        assertEquals(Action.PING, due(3_000));
        timers.pingNotWritten();
        assertEquals(Action.ABORT, due(5_300));
    }

    @Test
    void aFrameAfterTheAskEndsTheBoundOfAnUnwrittenPing() {
        timers.received(start);
        assertEquals(Action.PING, due(100));
        timers.received(start + 150 * MS); // the peer spoke: a thread read it, so one will write the ping
        assertEquals(Action.NONE, due(240));
        assertEquals(Action.PING, due(250));
        assertEquals(Action.NONE, due(5_349), "timed from the new ask");
        assertEquals(Action.ABORT, due(5_450));
    }
}
