package dev.wisp.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The probe finds the JDK's poller late when its own byte waits, and on time when it comes back; without a thread
 * for it, late, as the scans took it before the probe. Times are given in ticks, so that no test waits for them.
 */
class PollerProbeTest {
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    @Test
    void aProbeThatComesBackFindsThePollerOnTimeAndTheNextIsSentLater() throws Exception {
        AtomicInteger threads = new AtomicInteger();
        PollerProbe probe = new PollerProbe(counting(threads, Thread.ofVirtual().factory()));
        int now = LateWakeups.nowTicks();

        assertFalse(probe.isLate(now));
        assertEquals(1, probe.probesSent(), "the first scan sends a probe");
        awaitBack(probe);
        assertFalse(probe.isLate(now + PollerProbe.LATE_TICKS), "it came back");
        assertEquals(1, probe.probesSent(), "no probe before " + PollerProbe.PROBE_EVERY_TICKS + " ticks");

        assertFalse(probe.isLate(now + PollerProbe.PROBE_EVERY_TICKS));
        assertEquals(2, probe.probesSent(), "the next probe");
        awaitBack(probe);
        assertEquals(1, threads.get(), "one receiving thread for all the probes");
    }

    @Test
    void aProbeLeftWaitingFindsThePollerLateUntilTheHoldAfterItCameBack() throws Exception {
        CountDownLatch pollerBack = new CountDownLatch(1);
        ThreadFactory held = task -> Thread.ofVirtual().unstarted(() -> {
            awaitQuietly(pollerBack);
            task.run();
        });
        PollerProbe probe = new PollerProbe(held);
        int now = LateWakeups.nowTicks();

        assertFalse(probe.isLate(now));
        assertFalse(probe.isLate(now + PollerProbe.LATE_TICKS - 1), "waited less than " + PollerProbe.LATE_TICKS);
        int lateAt = now + PollerProbe.LATE_TICKS;
        assertTrue(probe.isLate(lateAt), "waited " + PollerProbe.LATE_TICKS + " ticks");

        pollerBack.countDown();
        awaitBack(probe);
        assertTrue(probe.isLate(lateAt + PollerProbe.HOLD_TICKS - 1), "late for a while after");
        assertFalse(probe.isLate(lateAt + PollerProbe.HOLD_TICKS), "on time after the hold");
    }

    @Test
    void withoutAThreadThePollerCountsAsLateAndTheProbeIsTriedAgainLater() throws Exception {
        AtomicInteger tries = new AtomicInteger();
        ThreadFactory failing = task -> {
            tries.incrementAndGet();
            throw new OutOfMemoryError("unable to create native thread (a test's)");
        };
        PollerProbe probe = new PollerProbe(failing);
        int now = LateWakeups.nowTicks();

        assertTrue(probe.isLate(now), "no probe: late");
        assertTrue(probe.isLate(now + PollerProbe.RETRY_TICKS - 1));
        assertEquals(1, tries.get(), "not tried again before " + PollerProbe.RETRY_TICKS + " ticks");
        probe.isLate(now + PollerProbe.RETRY_TICKS);
        assertEquals(2, tries.get(), "tried again");
    }

    @Test
    void aNudgedReceiverWaitsAgainAndStillTakesTheNextProbe() throws Exception {
        PollerProbe probe = new PollerProbe(Thread.ofVirtual().factory());
        int now = LateWakeups.nowTicks();
        probe.isLate(now);
        awaitBack(probe);
        for (int i = 0; i < 10; i++) {
            probe.nudge();
        }
        assertFalse(probe.isLate(now + PollerProbe.PROBE_EVERY_TICKS));
        assertEquals(2, probe.probesSent());
        awaitBack(probe);
    }

    @Test
    void aCarrierThatBusyThreadsNeverLeaveMakesThePollerLate() throws Exception {
        OneCarrier.assertPrints(BusyCarrier.LATE, BusyCarrier.class);
    }

    /**
     * In a JVM with one carrier that two virtual threads keep busy, as busy connections do (their exchanges send
     * the probes): prints {@link #LATE} once the shared probe finds the poller late, within 10 s.
     */
    static final class BusyCarrier {
        static final String LATE = "the poller is late";

        public static void main(String[] args) throws Exception {
            AutoCloseable busy = OneCarrier.keepBusy(BusyThreads::exchangeEnded);
            boolean late = false;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!late && System.nanoTime() - deadline < 0) {
                Thread.sleep(1);
                late = PollerProbe.shared().isLate(LateWakeups.nowTicks());
            }
            busy.close();
            System.out.println(late ? LATE : "the poller is on time");
            System.exit(0); // the busy threads may still be winding down
        }
    }

    private static ThreadFactory counting(AtomicInteger count, ThreadFactory factory) {
        return task -> {
            count.incrementAndGet();
            return factory.newThread(task);
        };
    }

    private static void awaitBack(PollerProbe probe) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (probe.isOut()) {
            assertTrue(System.nanoTime() < deadline, "the probe did not come back in " + PATIENCE);
            TimeUnit.MILLISECONDS.sleep(1);
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
