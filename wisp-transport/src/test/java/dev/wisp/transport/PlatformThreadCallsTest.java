package dev.wisp.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A call run on a platform thread for a waiting virtual thread: its result, its failure, a pool that refuses it, an
 * interrupted wait.
 */
class PlatformThreadCallsTest {
    private final ExecutorService pool = Executors.newFixedThreadPool(1, Thread.ofPlatform().daemon().factory());

    @AfterEach
    void stop() {
        pool.shutdownNow();
        PlatformThreadCalls.forgetRefusal(); // else the TLS tasks of the tests after would run in place for a second
    }

    @Test
    void returnsWhatTheCallReturnedFromAPlatformThread() throws Exception {
        AtomicReference<Object> result = new AtomicReference<>();
        Thread.ofVirtual().start(() -> {
            try {
                result.set(PlatformThreadCalls.callOrFailIfRefused(pool, () -> Thread.currentThread().isVirtual()));
            } catch (Exception e) {
                result.set(e);
            }
        }).join();

        assertEquals(Boolean.FALSE, result.get(), "the call ran on a platform thread");
    }

    @Test
    void aFailedCallEndsTheWaitWithWhatItThrew() {
        IllegalStateException thrown = new IllegalStateException("the call failed");
        IOException failedIo = new IOException("the call's I/O failed");

        assertSame(thrown, assertThrows(IllegalStateException.class,
                () -> PlatformThreadCalls.callOrFailIfRefused(pool, () -> {
                    throw thrown;
                })));
        assertSame(failedIo, assertThrows(IOException.class,
                () -> PlatformThreadCalls.callOrFailIfRefused(pool, () -> {
                    throw failedIo;
                })));
    }

    @Test
    void aCallThePoolRefusesRunsOnTheCallingThreadOrFailsAsAsked() throws Exception {
        String noThread = "unable to create native thread: possibly out of memory or process/resource limits reached";
        AtomicInteger asked = new AtomicInteger();
        Executor refusing = task -> {
            asked.incrementAndGet();
            throw new OutOfMemoryError(noThread);
        };
        Thread caller = Thread.currentThread();

        long before = System.nanoTime();
        assertSame(caller, PlatformThreadCalls.callHereIfRefused(refusing, Thread::currentThread));
        assertSame(caller, PlatformThreadCalls.callHereIfRefused(refusing, Thread::currentThread));
        if (System.nanoTime() - before < TimeUnit.MILLISECONDS.toNanos(500)) {
            assertEquals(1, asked.get(), "for a second after a refusal, the pool is not asked");
        }

        int askedBefore = asked.get();
        IOException failed = assertThrows(IOException.class,
                () -> PlatformThreadCalls.callOrFailIfRefused(refusing, () -> "never run"));
        assertEquals("no thread could be started for a blocking call (" + noThread + ")", failed.getMessage());
        assertEquals(askedBefore + 1, asked.get(), "a blocking call asks the pool every time");
    }

    @Test
    void aCallQueuedWhileThePoolsLastThreadFailedToStartIsTakenBackByItsCaller() throws Exception {
        StallingPool stalling = new StallingPool();
        AtomicReference<Object> first = new AtomicReference<>();
        AtomicReference<Object> second = new AtomicReference<>();
        Thread[] callers = stalling.callTwiceTheSecondQueuedAsTheStartFails(first, second, true);
        assertSame(callers[0], first.get(), "ran on its caller's thread");
        assertSame(callers[1], second.get(), "ran on its caller's thread");
    }

    @Test
    void aBlockingCallQueuedWhileThePoolsLastThreadFailedToStartFails() throws Exception {
        StallingPool stalling = new StallingPool();
        AtomicReference<Object> first = new AtomicReference<>();
        AtomicReference<Object> second = new AtomicReference<>();
        stalling.callTwiceTheSecondQueuedAsTheStartFails(first, second, false);
        assertInstanceOf(IOException.class, first.get());
        IOException queued = assertInstanceOf(IOException.class, second.get());
        assertTrue(queued.getMessage().startsWith("no thread could be started for a blocking call"),
                queued.getMessage());
        assertEquals(0, stalling.pool.getQueue().size(), "nothing left queued");
    }

    /**
     * A pool of one thread whose making waits until told to fail, as a thread's start fails when none can start: the
     * pool counts the thread as its own from before it is made until the failure.
     */
    private static final class StallingPool {
        final CountDownLatch starting = new CountDownLatch(1);
        private final CountDownLatch fail = new CountDownLatch(1);
        final ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), task -> {
                    starting.countDown();
                    try {
                        fail.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    throw new OutOfMemoryError("unable to create native thread: possibly out of memory or"
                            + " process/resource limits reached");
                });

        /** A virtual thread that makes a call on the pool, in place if refused or failing, and records the outcome. */
        Thread call(AtomicReference<Object> outcome, boolean hereIfRefused) {
            return Thread.ofVirtual().start(() -> {
                try {
                    outcome.set(hereIfRefused
                            ? PlatformThreadCalls.callHereIfRefused(pool, Thread::currentThread)
                            : PlatformThreadCalls.callOrFailIfRefused(pool, Thread::currentThread));
                } catch (Exception e) {
                    outcome.set(e);
                }
            });
        }

        /**
         * Makes a first call, which makes the pool start its one thread, and a second meanwhile, which goes into the
         * queue for that thread to take; then the start fails, and no thread is left to take it. Returns the two
         * callers once both calls ended.
         */
        Thread[] callTwiceTheSecondQueuedAsTheStartFails(AtomicReference<Object> first,
                AtomicReference<Object> second, boolean hereIfRefused) throws InterruptedException {
            Thread firstCaller = call(first, hereIfRefused);
            assertTrue(starting.await(10, TimeUnit.SECONDS));
            Thread secondCaller = call(second, hereIfRefused);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (pool.getQueue().isEmpty()) {
                assertTrue(System.nanoTime() < deadline, "the second call was queued");
                Thread.sleep(1);
            }
            fail.countDown();
            assertTrue(firstCaller.join(java.time.Duration.ofSeconds(10)), "the first call ended");
            assertTrue(secondCaller.join(java.time.Duration.ofSeconds(10)), "the queued call ended");
            return new Thread[] {firstCaller, secondCaller};
        }
    }

    @Test
    void anInterruptedWaitCancelsTheCallAndClearsTheInterrupt() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch interruptedToo = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();
        Thread waiter = Thread.ofVirtual().start(() -> {
            try {
                PlatformThreadCalls.callOrFailIfRefused(pool, () -> {
                    running.countDown();
                    try {
                        Thread.sleep(TimeUnit.SECONDS.toMillis(30));
                    } catch (InterruptedException e) {
                        interruptedToo.countDown(); // the cancel reached the call's thread
                    }
                    return null;
                });
            } catch (Throwable e) {
                failure.set(e);
            }
            stillInterrupted.set(Thread.currentThread().isInterrupted());
        });
        assertTrue(running.await(10, TimeUnit.SECONDS));

        waiter.interrupt();

        assertTrue(waiter.join(java.time.Duration.ofSeconds(10)));
        assertInstanceOf(InterruptedException.class, failure.get());
        assertFalse(stillInterrupted.get(), "cleared, as Future.get() leaves it");
        assertTrue(interruptedToo.await(10, TimeUnit.SECONDS), "the call was cancelled");
    }
}
