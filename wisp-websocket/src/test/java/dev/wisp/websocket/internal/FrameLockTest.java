package dev.wisp.websocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import org.junit.jupiter.api.Test;

class FrameLockTest {

    @Test
    void anotherThreadCannotTakeItWhileItIsHeld() throws InterruptedException {
        FrameLock lock = new FrameLock();
        lock.lock();
        AtomicBoolean taken = new AtomicBoolean(true);
        Thread other = Thread.ofVirtual().start(() -> taken.set(lock.tryLock()));
        other.join();
        assertFalse(taken.get());
        lock.unlock();
        assertTrue(lock.tryLock());
        lock.unlock();
    }

    @Test
    void aWaiterGetsItOnceItIsReleased() {
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            FrameLock lock = new FrameLock();
            lock.lock();
            CountDownLatch started = new CountDownLatch(1);
            AtomicReference<String> order = new AtomicReference<>("");
            Thread waiter = Thread.ofVirtual().start(() -> {
                started.countDown();
                lock.lock();
                order.updateAndGet(s -> s + "waiter");
                lock.unlock();
            });
            started.await();
            order.updateAndGet(s -> s + "holder,");
            lock.unlock();
            waiter.join();
            assertEquals("holder,waiter", order.get());
        });
    }

    @Test
    void aConditionReleasesTheLockWhileWaitingAndTakesItBack() {
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            FrameLock lock = new FrameLock();
            Condition signalled = lock.newCondition();
            AtomicBoolean ready = new AtomicBoolean();
            CountDownLatch waiting = new CountDownLatch(1);
            Thread waiter = Thread.ofVirtual().start(() -> {
                lock.lock();
                try {
                    waiting.countDown();
                    while (!ready.get()) {
                        signalled.awaitUninterruptibly();
                    }
                    assertTrue(lock.isHeldExclusively());
                } finally {
                    lock.unlock();
                }
            });
            waiting.await();
            lock.lock(); // only possible because the waiter's await released it
            ready.set(true);
            signalled.signalAll();
            lock.unlock();
            waiter.join();
            assertTrue(lock.tryLock());
        });
    }

    @Test
    void unlockingALockThisThreadDoesNotHoldFails() {
        FrameLock lock = new FrameLock();
        assertThrows(IllegalMonitorStateException.class, lock::unlock);
    }
}
