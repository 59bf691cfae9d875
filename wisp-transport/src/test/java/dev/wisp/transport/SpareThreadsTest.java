package dev.wisp.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Tasks run on fresh virtual threads, spares started ahead of need, also while the carriers are kept busy. */
class SpareThreadsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final List<Thread> made = new CopyOnWriteArrayList<>();
    private final ThreadFactory counting = task -> {
        Thread thread = Thread.ofVirtual().unstarted(task);
        made.add(thread);
        return thread;
    };

    @Test
    void aTaskRunsOnASpareStartedAheadOfItAndAnotherSpareTakesItsPlace() throws Exception {
        try (SpareThreads spares = new SpareThreads(counting, 2)) {
            assertEquals(2, made.size(), "two spares started at once");
            OneCarrier.awaitParked(made.get(0));
            OneCarrier.awaitParked(made.get(1));

            Thread ranOn = runAndReturnThread(spares);

            assertTrue(made.subList(0, 2).contains(ranOn), "it ran on a spare");
            assertEquals(3, made.size(), "a new spare took its place");
        }
    }

    @Test
    void eachSpareRunsOneTaskAndEnds() throws Exception {
        try (SpareThreads spares = new SpareThreads(counting, 1)) {
            OneCarrier.awaitParked(made.get(0));

            Thread first = runAndReturnThread(spares);
            Thread second = runAndReturnThread(spares);

            assertNotEquals(first, second);
            assertTrue(first.join(TIMEOUT), "the first task's thread ended with it");
        }
    }

    @Test
    void withoutASpareReadyTheTaskGetsAThreadOfItsOwn() throws Exception {
        try (SpareThreads spares = new SpareThreads(counting, 0)) {
            Thread ranOn = runAndReturnThread(spares);

            assertTrue(ranOn.isVirtual());
            assertEquals(List.of(ranOn), made);
        }
    }

    @Test
    void closingEndsTheSparesThatWait() throws Exception {
        SpareThreads spares = new SpareThreads(counting, 3);
        for (Thread spare : made) {
            OneCarrier.awaitParked(spare);
        }

        spares.close();

        for (Thread spare : made) {
            assertTrue(spare.join(TIMEOUT), "a spare ended");
        }
        assertEquals(3, made.size(), "none started after the close");
    }

    @Test
    void aTaskStartedFromAPlatformThreadRunsWhileVirtualThreadsKeepTheOnlyCarrierBusy() throws Exception {
        OneCarrier.assertPrints(BusyCarrier.RAN, BusyCarrier.class);
    }

    /**
     * In a JVM with one carrier kept busy: a platform thread (as the input watcher and the listener are) starts a
     * task. A thread it started itself would wait for a carrier with nothing else to do, which never comes; the
     * spare is woken by the busy threads. Prints {@link #RAN} if the task ran within 10 s.
     */
    static final class BusyCarrier {
        static final String RAN = "the task ran";

        public static void main(String[] args) throws Exception {
            try (SpareThreads spares = new SpareThreads(Thread.ofVirtual().factory(), 2)) {
                Thread.sleep(200); // the spares run once and wait, while the carrier is free
                CompletableFuture<Boolean> ran = new CompletableFuture<>();
                try (AutoCloseable busy = OneCarrier.keepBusy(BusyThreads::exchangeEnded)) {
                    Thread.sleep(100);
                    Thread.ofPlatform().start(() -> spares.start(() -> ran.complete(true))).join();
                    System.out.println(ran.completeOnTimeout(false, 10, TimeUnit.SECONDS).join()
                            ? RAN : "the task is still waiting");
                }
            }
            System.exit(0);
        }
    }

    @Test
    void withoutASpareReadyATaskFromAPlatformThreadRunsAmongRoundsOfThreadsSteppingAside() throws Exception {
        OneCarrier.assertPrints(AmongRounds.RAN, AmongRounds.class);
    }

    @Test
    void aTaskWhoseThreadCannotBeMadeIsReportedAndDoesNotRun() throws Exception {
        AtomicBoolean ran = new AtomicBoolean();
        ThreadFactory failing = task -> {
            throw new OutOfMemoryError("unable to create a thread (simulated by the factory)");
        };
        try (SpareThreads spares = new SpareThreads(failing, 1)) {
            CompletableFuture<Throwable> failure = new CompletableFuture<>();

            spares.start(() -> ran.set(true), failure::complete);

            assertInstanceOf(OutOfMemoryError.class, failure.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
            assertFalse(ran.get());
        }
    }

    /**
     * In a JVM with one carrier that threads stepping aside keep busy, with no spare: a platform thread (as the
     * input watcher is) starts a task, which gets a thread of its own, handed to {@link PlatformStarts}. Started by
     * the platform thread itself, it would not run. Prints {@link #RAN} if the task ran within 10 s.
     */
    static final class AmongRounds {
        static final String RAN = "the task ran";

        public static void main(String[] args) throws Exception {
            AtomicBoolean stopped = new AtomicBoolean();
            for (int i = 0; i < 8; i++) {
                Thread.ofVirtual().start(() -> {
                    while (!stopped.get()) {
                        long workedUntil = System.nanoTime() + 5_000;
                        while (System.nanoTime() - workedUntil < 0) {
                            Thread.onSpinWait();
                        }
                        StepAside.stepAside();
                    }
                });
            }
            Thread.sleep(200);
            try (SpareThreads none = new SpareThreads(Thread.ofVirtual().factory(), 0)) {
                CompletableFuture<Boolean> ran = new CompletableFuture<>();
                none.start(() -> ran.complete(true), e -> System.out.println("could not start: " + e));
                System.out.println(ran.completeOnTimeout(false, 10, TimeUnit.SECONDS).join()
                        ? RAN : "the task is still waiting");
            }
            stopped.set(true);
            System.exit(0);
        }
    }

    private static Thread runAndReturnThread(SpareThreads spares) throws Exception {
        CompletableFuture<Thread> ranOn = new CompletableFuture<>();
        spares.start(() -> ranOn.complete(Thread.currentThread()));
        return ranOn.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }
}
