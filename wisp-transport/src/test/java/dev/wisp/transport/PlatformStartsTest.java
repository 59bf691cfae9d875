package dev.wisp.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A thread that a platform thread hands over to start runs soon, while threads that step aside in rounds keep the
 * only carrier busy (a thread the platform thread started itself did not run within 30 s), and on an idle carrier.
 * Each case runs in a JVM with one carrier.
 */
class PlatformStartsTest {
    private static final String RAN = "the handed-over thread ran";

    @Test
    void itRunsWhileThreadsSteppingAsideKeepTheCarrierBusy() throws Exception {
        OneCarrier.assertPrints(RAN, AmongRounds.class);
    }

    @Test
    void itRunsOnAnIdleCarrier() throws Exception {
        OneCarrier.assertPrints(RAN, OnIdleCarrier.class);
    }

    @Test
    void aThreadThatCannotStartIsReportedToTheHandingThreadsCallback() throws Exception {
        Thread started = Thread.ofVirtual().start(() -> { });
        CompletableFuture<Throwable> failure = new CompletableFuture<>();

        PlatformStarts.start(started, failure::complete);

        assertInstanceOf(IllegalThreadStateException.class, failure.get(10, TimeUnit.SECONDS));
    }

    @Test
    void aCallbackThatRunsOutOfMemoryIsCalledAgainAndTheNextThreadStillStarts() throws Exception {
        // A full heap fails a thread's start and then, often, the callback that closes its connection: the callback
        // must still run (or the connection stays open and counted), and the relay that starts the threads handed
        // over by platform threads must outlive it (it ended there, and no connection was served again).
        Thread started = Thread.ofVirtual().start(() -> { });
        AtomicInteger calls = new AtomicInteger();
        CompletableFuture<Throwable> failure = new CompletableFuture<>();
        PlatformStarts.start(started, e -> {
            if (calls.incrementAndGet() == 1) {
                throw new OutOfMemoryError("Java heap space");
            }
            failure.complete(e);
        });
        assertInstanceOf(IllegalThreadStateException.class, failure.get(10, TimeUnit.SECONDS));
        assertEquals(2, calls.get());

        CountDownLatch ran = new CountDownLatch(1);
        PlatformStarts.start(Thread.ofVirtual().unstarted(ran::countDown), e -> { });
        assertTrue(ran.await(10, TimeUnit.SECONDS), "the next handed-over thread ran");
    }

    @Test
    void aCallbackThatFailsOtherwiseDoesNotStopTheNextStarts() throws Exception {
        Thread started = Thread.ofVirtual().start(() -> { });
        PlatformStarts.start(started, e -> {
            throw new IllegalStateException("a defect of the caller's");
        });

        CountDownLatch ran = new CountDownLatch(1);
        PlatformStarts.start(Thread.ofVirtual().unstarted(ran::countDown), e -> { });
        assertTrue(ran.await(10, TimeUnit.SECONDS), "the next handed-over thread ran");
    }

    @Test
    void aVirtualThreadStartsItAtOnce() throws Exception {
        CompletableFuture<Thread.State> stateAfterwards = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            Thread handed = Thread.ofVirtual().unstarted(() -> { });
            PlatformStarts.start(handed, stateAfterwards::completeExceptionally);
            stateAfterwards.complete(handed.getState());
        });

        assertNotEquals(Thread.State.NEW, stateAfterwards.get(10, TimeUnit.SECONDS));
    }

    /** Hands a thread over from this platform thread and prints {@link #RAN} if it ran within 10 s. */
    private static void handOverAndReport() throws InterruptedException {
        CountDownLatch ran = new CountDownLatch(1);
        PlatformStarts.start(Thread.ofVirtual().unstarted(ran::countDown),
                e -> System.out.println("could not start: " + e));
        System.out.println(ran.await(10, TimeUnit.SECONDS) ? RAN : "the handed-over thread did not run");
    }

    /**
     * Eight threads take turns on the carrier, each stepping aside after a little work, as busy connections do; none
     * ends an exchange, so only the step-aside resumers start the handed-over thread.
     */
    static final class AmongRounds {
        public static void main(String[] args) throws Exception {
            AtomicBoolean stopped = new AtomicBoolean();
            List<Thread> stepping = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                stepping.add(Thread.ofVirtual().start(() -> {
                    while (!stopped.get()) {
                        long workedUntil = System.nanoTime() + 5_000;
                        while (System.nanoTime() - workedUntil < 0) {
                            Thread.onSpinWait();
                        }
                        StepAside.stepAside();
                    }
                }));
            }
            Thread.sleep(200); // the rounds are going
            handOverAndReport();
            stopped.set(true);
            System.exit(0); // the stepping threads may still be winding down
        }
    }

    /** Nothing runs; the relay thread starts the handed-over thread. */
    static final class OnIdleCarrier {
        public static void main(String[] args) throws Exception {
            handOverAndReport();
            System.exit(0);
        }
    }

}
