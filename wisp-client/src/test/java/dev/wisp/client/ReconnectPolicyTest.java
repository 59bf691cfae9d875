package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReconnectPolicyTest {
    @Test
    void doublesTheDelayUpToItsMaximum() {
        ReconnectPolicy policy = ReconnectPolicy.builder().initialDelay(Duration.ofMillis(100))
                .maxDelay(Duration.ofMillis(500)).jitter(0).build();
        assertEquals(Duration.ofMillis(100), policy.delay(1));
        assertEquals(Duration.ofMillis(200), policy.delay(2));
        assertEquals(Duration.ofMillis(400), policy.delay(3));
        assertEquals(Duration.ofMillis(500), policy.delay(4));
        assertEquals(Duration.ofMillis(500), policy.delay(40));
    }

    @Test
    void movesEachDelayByAtMostTheJitter() {
        ReconnectPolicy policy = ReconnectPolicy.builder().initialDelay(Duration.ofMillis(1000)).jitter(0.2).build();
        for (int i = 0; i < 1000; i++) {
            long millis = policy.delay(1).toMillis();
            assertTrue(millis >= 800 && millis <= 1200, "delay " + millis);
        }
    }

    @Test
    void namesTheOptionOutOfRange() {
        assertEquals("jitter must be in [0, 1): 1.5", assertThrows(IllegalArgumentException.class,
                () -> ReconnectPolicy.builder().jitter(1.5).build()).getMessage());
        assertEquals("multiplier must be at least 1: 0.5", assertThrows(IllegalArgumentException.class,
                () -> ReconnectPolicy.builder().multiplier(0.5).build()).getMessage());
    }
}
