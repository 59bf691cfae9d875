package dev.wisp.transport;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * A thread that steps aside lets the threads ready before it run first, and goes on after them, also while other
 * threads keep the only carrier busy, and also when its resumer never runs. Each case runs in a JVM of its own, with
 * one carrier where the order is the scheduler's and not a race between carriers.
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
     * them. In a JVM of its own, where no other thread wakes threads aside.
     */
    @Test
    void aSweeperWakesTheThreadsAsideWhenTheirResumerNeverRuns() throws Exception {
        ChildJvm.assertPrints(LostResumer.WOKEN, LostResumer.class);
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
     * A thread steps aside behind a resumer claimed a second ago and never started; prints {@link #WOKEN} if it
     * stayed aside until a sweeper ran and went on within 5 s of it.
     */
    static final class LostResumer {
        static final String WOKEN = "woken by the sweeper";

        public static void main(String[] args) throws Exception {
            if (!StepAside.claimResumer(System.nanoTime() - TimeUnit.SECONDS.toNanos(1))) {
                throw new AssertionError("a resumer was pending before the test");
            }
            Thread stepping = Thread.ofVirtual().start(StepAside::stepAside);
            OneCarrier.awaitParked(stepping);
            if (stepping.join(Duration.ofMillis(200))) {
                System.out.println("went on before any sweeper ran");
                return;
            }
            TimeoutSweeper sweeper = new TimeoutSweeper(now -> { }, Duration.ofMillis(40)).start("wisp-test-sweeper");
            boolean woken = stepping.join(Duration.ofSeconds(5));
            sweeper.close();
            System.out.println(woken ? WOKEN : "still aside");
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
