package dev.wisp.transport;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** Wake-ups that platform threads leave for virtual threads arrive, whoever passes them on. */
class PlatformWakeupsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Test
    void aVirtualThreadWokenByAPlatformThreadRunsWithNoBusyThreadToRelayIt() throws Exception {
        AtomicBoolean go = new AtomicBoolean();
        Thread waiter = Thread.ofVirtual().start(() -> parkUntil(go));
        awaitParked(waiter);

        Thread.ofPlatform().start(() -> {
            go.set(true);
            PlatformWakeups.wake(waiter);
        }).join();

        assertTrue(waiter.join(TIMEOUT), "the relay thread woke it");
    }

    @Test
    void aBusyVirtualThreadPassesTheWakeUpOn() throws Exception {
        AtomicBoolean go = new AtomicBoolean();
        Thread waiter = Thread.ofVirtual().start(() -> parkUntil(go));
        awaitParked(waiter);
        go.set(true);
        PlatformWakeups.wake(waiter); // from this platform thread: left for a relay

        Thread.ofVirtual().start(PlatformWakeups::relay).join();

        assertTrue(waiter.join(TIMEOUT));
    }

    @Test
    void aPlatformThreadIsWokenDirectly() throws Exception {
        AtomicBoolean go = new AtomicBoolean();
        Thread waiter = Thread.ofPlatform().start(() -> parkUntil(go));
        awaitParked(waiter);
        go.set(true);

        PlatformWakeups.wake(waiter);

        assertTrue(waiter.join(TIMEOUT));
        assertFalse(waiter.isAlive());
    }

    /** So that the wake-up under test is the one that ends the park. */
    private static void awaitParked(Thread thread) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (thread.getState() != Thread.State.TIMED_WAITING && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertTrue(thread.getState() == Thread.State.TIMED_WAITING, "parked");
    }

    /** Parks until the flag is set and an unpark came; a wake-up that never comes fails the test's join. */
    private static void parkUntil(AtomicBoolean go) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos() * 2;
        while (!go.get() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(deadline - System.nanoTime());
        }
    }
}
