package dev.wisp.server.filters;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The generic cell rate algorithm of {@link RateLimit}, on a clock the test moves. */
class ArrivalTimesTest {
    private static final long MS = 1_000_000;

    @Test
    void allowsTheBurstAtOnceThenTheSteadyRate() {
        ArrivalTimes times = new ArrivalTimes(100 * MS, 2, 10, 0); // 10 a second, 2 more at once
        assertEquals(ArrivalTimes.ALLOWED, times.take("a", 0));
        assertEquals(ArrivalTimes.ALLOWED, times.take("a", 0));
        assertEquals(ArrivalTimes.ALLOWED, times.take("a", 0));
        assertEquals(100 * MS, times.take("a", 0), "the fourth waits an interval");
        assertEquals(40 * MS, times.take("a", 60 * MS));
        assertEquals(ArrivalTimes.ALLOWED, times.take("a", 100 * MS));
        assertEquals(100 * MS, times.take("a", 100 * MS), "a refused request costs nothing");
        assertEquals(ArrivalTimes.ALLOWED, times.take("b", 100 * MS), "each client on its own");
        // Quiet for long enough, a client has its whole burst again, and no more.
        for (int i = 0; i < 3; i++) {
            assertEquals(ArrivalTimes.ALLOWED, times.take("a", 10_000 * MS));
        }
        assertEquals(100 * MS, times.take("a", 10_000 * MS));
    }

    @Test
    void keepsAtMostMaxClientsAndDropsThoseWhoseRateRecovered() {
        ArrivalTimes times = new ArrivalTimes(100 * MS, 0, 2, 0);
        assertEquals(ArrivalTimes.ALLOWED, times.take("a", 0));
        assertEquals(ArrivalTimes.ALLOWED, times.take("b", 0));
        assertEquals(ArrivalTimes.FULL, times.take("c", 50 * MS), "no room, and no client to drop yet");
        assertEquals(ArrivalTimes.ALLOWED, times.take("a", 50 * MS + 100 * MS), "known clients go on");
        // A second on, both have recovered: they are dropped to make room.
        assertEquals(ArrivalTimes.ALLOWED, times.take("c", 1_100 * MS));
        assertEquals(1, times.size());
    }
}
