package dev.wisp.transport;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * A thread that steps aside lets the threads ready before it run first, and goes on after them, also while other
 * threads keep the only carrier busy, and also when its resumer never runs. Each case about order runs in a JVM with
 * one carrier, where the order is the scheduler's and not a race between carriers.
 */
class StepAsideTest {

    @Test
    void theThreadsReadyBeforeItRunFirst() throws Exception {
        OneCarrier.assertPrints(ReadyFirst.ORDER, ReadyFirst.class);
    }

    @Test
    void itGoesOnWhileOtherThreadsKeepTheCarrierBusy() throws Exception {
        OneCarrier.assertPrints(BusyCarrier.RESUMED, BusyCarrier.class);
    }

    /**
     * A resumer that never runs (the JDK lost its virtual thread under a full heap; claimed here and not started)
     * kept every thread that stepped aside after it parked for good, since a resumer pending is not started again:
     * a client's idle WebSockets stopped reading, and a new one died by its pong timeout. The sweeper's tick wakes
     * them.
     */
    @Test
    void aSweeperWakesTheThreadsAsideWhenTheirResumerNeverRuns() throws Exception {
        assertTrue(StepAside.claimResumer(System.nanoTime() - Duration.ofSeconds(1).toNanos()),
                "no resumer pending before the test");
        Thread stepping = Thread.ofVirtual().start(StepAside::stepAside);
        OneCarrier.awaitParked(stepping);
        assertFalse(stepping.join(Duration.ofMillis(200)), "nothing but the sweeper wakes it");
        TimeoutSweeper sweeper = new TimeoutSweeper(now -> { }, Duration.ofMillis(40)).start("wisp-test-sweeper");
        try {
            assertTrue(stepping.join(Duration.ofSeconds(5)), "the thread aside went on");
        } finally {
            sweeper.close();
        }
    }

    /**
     * A thread wakes another, which queues on the carrier, and steps aside: the other runs first. Without the step
     * aside, the waking thread would go on at once. Prints the order.
     */
    static final class ReadyFirst {
        static final String ORDER = "[the other thread, the thread that stepped aside]";

        public static void main(String[] args) throws Exception {
            List<String> order = new CopyOnWriteArrayList<>();
            AtomicBoolean woken = new AtomicBoolean();
            Thread other = Thread.ofVirtual().start(() -> {
                while (!woken.get()) {
                    LockSupport.park();
                }
                order.add("the other thread");
            });
            OneCarrier.awaitParked(other);
            Thread stepping = Thread.ofVirtual().start(() -> {
                woken.set(true);
                LockSupport.unpark(other);
                StepAside.stepAside();
                order.add("the thread that stepped aside");
            });
            stepping.join(Duration.ofSeconds(10));
            other.join(Duration.ofSeconds(10));
            System.out.println(order);
        }
    }

    /**
     * Two threads that wake each other keep the only carrier busy, so the resumer a thread starts when it steps
     * aside, queued apart from the carrier's own work, would never run; the busy threads' exchanges wake it
     * instead. Prints {@link #RESUMED} if it went on within 10 s.
     */
    static final class BusyCarrier {
        static final String RESUMED = "the thread went on";

        public static void main(String[] args) throws Exception {
            AtomicBoolean woken = new AtomicBoolean();
            AtomicBoolean resumed = new AtomicBoolean();
            Thread stepping = Thread.ofVirtual().start(() -> {
                while (!woken.get()) {
                    LockSupport.park();
                }
                StepAside.stepAside();
                resumed.set(true);
            });
            OneCarrier.awaitParked(stepping);
            // Woken by a busy thread, so that it queues among the carrier's own work and runs.
            AutoCloseable busy = OneCarrier.keepBusy(() -> {
                BusyThreads.exchangeEnded();
                if (woken.compareAndSet(false, true)) {
                    LockSupport.unpark(stepping);
                }
            });

            boolean ended = stepping.join(Duration.ofSeconds(10));
            busy.close();
            System.out.println(ended && resumed.get() ? RESUMED : "the thread is still aside");
            System.exit(0); // the busy threads may still be winding down
        }
    }
}
