package dev.wisp.server.filters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.wisp.server.RequestDurations;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestTimerTest {
    private static final List<Duration> BOUNDS = List.of(Duration.ofMillis(1), Duration.ofMillis(10));

    @Test
    void aDurationCountsInTheFirstBucketWhoseBoundItDoesNotExceed() {
        RequestTimer timer = RequestTimer.withBounds(BOUNDS);
        timer.record(1);
        timer.record(1_000_000); // exactly the bound: "le", less or equal
        timer.record(1_000_001);
        timer.record(10_000_000);
        timer.record(10_000_001); // past every bound: in the count only
        RequestDurations durations = timer.durations();
        assertEquals(BOUNDS, durations.upperBounds());
        assertEquals(List.of(2L, 4L), durations.cumulativeCounts());
        assertEquals(5, durations.count());
        assertEquals(Duration.ofNanos(1 + 1_000_000 + 1_000_001 + 10_000_000 + 10_000_001), durations.sum());
        assertEquals(0, durations.inFlight());
    }

    @Test
    void aFreshTimerHasTheDefaultBoundsAndCountsNothing() {
        RequestDurations durations = RequestTimer.create().durations();
        assertEquals(RequestTimer.DEFAULT_BOUNDS, durations.upperBounds());
        assertEquals(13, durations.cumulativeCounts().size());
        assertEquals(0, durations.count());
        assertEquals(Duration.ZERO, durations.sum());
    }

    @Test
    void refusesBoundsThatAreNoneOrNotPositiveAndStrictlyAscending() {
        assertThrows(IllegalArgumentException.class, () -> RequestTimer.withBounds(List.of()));
        assertThrows(IllegalArgumentException.class, () -> RequestTimer.withBounds(List.of(Duration.ZERO)));
        assertThrows(IllegalArgumentException.class,
                () -> RequestTimer.withBounds(List.of(Duration.ofMillis(5), Duration.ofMillis(5))));
        assertThrows(IllegalArgumentException.class,
                () -> RequestTimer.withBounds(List.of(Duration.ofMillis(5), Duration.ofMillis(1))));
        assertThrows(IllegalArgumentException.class,
                () -> RequestTimer.withBounds(List.of(Duration.ofMillis(-1))));
    }
}
