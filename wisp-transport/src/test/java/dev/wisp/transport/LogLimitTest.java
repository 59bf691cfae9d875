package dev.wisp.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.testing.LogCapture;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

/** One line per interval at most, the first at once; a line that did not go out gives its turn back. */
class LogLimitTest {
    private static final Duration INTERVAL = Duration.ofMinutes(1);
    private static final long INTERVAL_NANOS = INTERVAL.toNanos();

    @Test
    void letsTheFirstLineThroughAndTheNextOnlyAfterTheInterval() {
        LogLimit limit = new LogLimit(INTERVAL, "", "");
        long start = System.nanoTime();
        assertTrue(limit.take(start), "the first line goes out");
        assertFalse(limit.take(start), "a second at the same moment does not");
        assertFalse(limit.take(start + INTERVAL_NANOS - 1), "nor one a nanosecond before the interval has passed");
        assertTrue(limit.take(start + INTERVAL_NANOS), "one a whole interval later does");
        assertFalse(limit.take(start + INTERVAL_NANOS + 1), "and the interval starts again from it");
    }

    @Test
    void aTurnGivenBackLetsTheNextTryLog() {
        LogLimit limit = new LogLimit(INTERVAL, "", "");
        long start = System.nanoTime();
        assertTrue(limit.take(start));
        limit.giveBack(start);
        assertTrue(limit.take(start + 1), "the line given back did not count");
        limit.giveBack(start); // a turn that is no longer the last: nothing to give back
        assertFalse(limit.take(start + 2));
    }

    @Test
    void ofManyThreadsTryingAtOnceOneGetsTheTurn() {
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            LogLimit limit = new LogLimit(INTERVAL, "", "");
            long now = System.nanoTime();
            CountDownLatch go = new CountDownLatch(1);
            AtomicInteger taken = new AtomicInteger();
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    if (limit.take(now)) {
                        taken.incrementAndGet();
                    }
                }));
            }
            go.countDown();
            for (Thread thread : threads) {
                thread.join();
            }
            assertEquals(1, taken.get());
        });
    }

    @Test
    void warnsWithTheFailuresMessageOncePerInterval() {
        String name = LogLimitTest.class.getName() + ".warn";
        System.Logger logger = System.getLogger(name);
        LogLimit limit = new LogLimit(INTERVAL, "accept failed: ", "; again");
        try (LogCapture log = LogCapture.of(name)) {
            assertTrue(limit.warn(logger, new IOException("Too many open files")));
            assertFalse(limit.warn(logger, new IOException("still")));
            List<LogRecord> records = log.records();
            assertEquals(1, records.size(), records.toString());
            assertEquals(Level.WARNING, records.getFirst().getLevel());
            assertEquals("accept failed: Too many open files; again", records.getFirst().getMessage());
        }
    }

    @Test
    void refusesAnIntervalThatIsNotPositive() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LogLimit(Duration.ZERO, "", ""));
        assertEquals("interval must be positive, was PT0S", e.getMessage());
    }
}
