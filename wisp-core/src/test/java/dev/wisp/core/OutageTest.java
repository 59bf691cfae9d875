package dev.wisp.core;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OutageTest {
    @Test
    void tellsAStartAndItsEndOnceHoweverManyMeetThem() {
        Outage outage = new Outage();
        assertFalse(outage.ends(), "nothing to end");
        assertTrue(outage.starts());
        assertFalse(outage.starts());
        assertTrue(outage.ends());
        assertFalse(outage.ends());
    }

    @Test
    void aTroubleThatComesAndGoesIsToldAFewTimesAMinuteAtMost() {
        Outage outage = new Outage();
        for (int i = 0; i < Outage.TOLD_PER_MINUTE; i++) {
            assertTrue(outage.starts());
            assertTrue(outage.ends());
        }
        for (int i = 0; i < 100; i++) { // a client that fills and frees the disk with each request
            assertFalse(outage.starts(), "told " + Outage.TOLD_PER_MINUTE + " times a minute at most");
            assertFalse(outage.ends(), "the end of a start not told is not told either");
        }
    }
}
