package dev.wisp.client.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class Http2LivenessTest {
    private final Http2Liveness liveness = new Http2Liveness(300, 100, 0);

    @Test
    void settingsAckIsOverdueOnlyPastItsTimeoutAndUntilAcknowledged() {
        liveness.settingsSent(1_000);
        assertFalse(liveness.isSettingsAckOverdue(1_300));
        assertTrue(liveness.isSettingsAckOverdue(1_301));
        liveness.settingsAcknowledged();
        assertFalse(liveness.isSettingsAckOverdue(10_000));
    }

    @Test
    void anyFrameAnswersThePingAndOnlyOneIsOutAtATime() {
        assertFalse(liveness.isPongOverdue(Long.MAX_VALUE), "no PING out");
        assertTrue(liveness.startPing(-50)); // nanoTime may be negative, and wraps
        assertFalse(liveness.startPing(0), "one is out already");
        assertFalse(liveness.isPongOverdue(50));
        assertTrue(liveness.isPongOverdue(51));
        liveness.received(60);
        assertFalse(liveness.isPongOverdue(1_000));
        assertTrue(liveness.startPing(0), "a time of 0 still counts as a PING out");
        assertTrue(liveness.isPongOverdue(102));
    }

    @Test
    void pingsWithANewStreamOnlyAfterTheConnectionWasSilentForThePongTimeout() {
        liveness.received(1_000);
        assertFalse(liveness.startPingIfSilent(1_100));
        assertTrue(liveness.startPingIfSilent(1_101));
        assertFalse(liveness.startPingIfSilent(1_500), "one is out already");
        assertTrue(liveness.isPongOverdue(1_202));
    }
}
