package dev.wisp.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PollBackoffTest {
    /** The waits, from now on, that skip polling before the next one polls. */
    private static int skippedBeforeNextPoll(PollBackoff backoff) {
        int skipped = 0;
        while (!backoff.shouldPoll()) {
            skipped++;
        }
        return skipped;
    }

    @Test
    void pollsEveryWaitWhileItsPollsFindInput() {
        PollBackoff backoff = new PollBackoff();
        for (int i = 0; i < 100; i++) {
            assertTrue(backoff.shouldPoll());
            backoff.polled(true);
        }
    }

    @Test
    void eachPollThatFindsNothingDoublesTheWaitsThatSkipUpToTheCap() {
        PollBackoff backoff = new PollBackoff();
        assertTrue(backoff.shouldPoll());
        int[] expected = {1, 3, 7, 15, 31, 63, 63, 63};
        for (int skipped : expected) {
            backoff.polled(false);
            assertEquals(skipped, skippedBeforeNextPoll(backoff));
        }
        assertEquals(PollBackoff.MAX_SKIPPED, expected[expected.length - 1]);
    }

    @Test
    void aPollThatFindsInputPollsAtEveryWaitAgain() {
        PollBackoff backoff = new PollBackoff();
        backoff.polled(false);
        backoff.polled(false);
        assertEquals(3, skippedBeforeNextPoll(backoff));
        backoff.polled(true);
        assertEquals(0, skippedBeforeNextPoll(backoff));
        backoff.polled(false);
        assertEquals(1, skippedBeforeNextPoll(backoff), "the count of misses starts again");
    }
}
