package dev.wisp.transport;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class CadenceTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void aChoreIsDueOnceAPeriodAndThePeriodStartsAgainWhenItIs() {
        Cadence cadence = new Cadence(Duration.ofSeconds(1));
        long start = System.nanoTime(); // the first period began at most this
        assertFalse(cadence.isDue(start + SECOND / 2), "within the first period");
        long due = start + SECOND;
        assertTrue(cadence.isDue(due));
        assertFalse(cadence.isDue(due), "once");
        assertFalse(cadence.isDue(due + SECOND - 1), "the next period starts when the chore was due");
        assertTrue(cadence.isDue(due + SECOND));
    }
}
