package dev.wisp.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class FrameRateLimitTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void allowsABurstOfItsSizeAndRefusesTheNextWithEnhanceYourCalm() throws Exception {
        FrameRateLimit limit = new FrameRateLimit("pings", 3, 1, 0);
        limit.take(0);
        limit.take(0);
        limit.take(0);
        ConnectionException refused = assertThrows(ConnectionException.class, () -> limit.take(0));
        assertEquals(ErrorCode.ENHANCE_YOUR_CALM, refused.errorCode());
        assertEquals("too many pings: more than 3 at once or 1 a second", refused.getMessage());
    }

    @Test
    void givesTokensBackAtItsRateAndKeepsTheTimeThatEarnedNoWholeOne() throws Exception {
        FrameRateLimit limit = new FrameRateLimit("resets", 2, 10, 0);
        limit.take(0);
        limit.take(0);
        assertThrows(ConnectionException.class, () -> limit.take(SECOND / 20)); // half a token earned
        limit.take(SECOND / 10); // the second half: one token
        assertThrows(ConnectionException.class, () -> limit.take(SECOND / 10));
        limit.take(3 * SECOND / 10); // two more, the bucket's size
        limit.take(3 * SECOND / 10);
        assertThrows(ConnectionException.class, () -> limit.take(3 * SECOND / 10));
    }

    @Test
    void neverHoldsMoreThanItsSizeAfterALongQuietTime() throws Exception {
        FrameRateLimit limit = new FrameRateLimit("frames", 2, 1000, 0);
        long later = 3600 * SECOND;
        limit.take(later);
        limit.take(later);
        assertThrows(ConnectionException.class, () -> limit.take(later));
    }
}
