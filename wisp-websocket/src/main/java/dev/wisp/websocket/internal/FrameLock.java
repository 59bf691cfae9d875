package dev.wisp.websocket.internal;

import java.util.concurrent.locks.AbstractQueuedSynchronizer;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The lock a session writes its frames under: mutual exclusion with conditions, as a {@link ReentrantLock}
 * without reentrancy or fairness, built on {@link AbstractQueuedSynchronizer} as its javadoc's "Mutex" is. Every
 * session, idle ones included, carries one: this is one object of 32 bytes where a {@code ReentrantLock} is two of
 * 48 together.
 *
 * <p>Not reentrant: a thread holding it that locks it again waits forever. The session never does.
 *
 * <p>Not final: the session's {@link SessionSender} is its frame lock, so that the two are one object.
 */
class FrameLock extends AbstractQueuedSynchronizer {

    void lock() {
        acquire(1);
    }

    boolean tryLock() {
        return tryAcquire(1);
    }

    void unlock() {
        release(1);
    }

    /** A condition to wait on while holding the lock; waiting releases it, as {@link Condition#await()} says. */
    Condition newCondition() {
        return new ConditionObject();
    }

    @Override
    protected boolean tryAcquire(int ignored) {
        if (compareAndSetState(0, 1)) {
            setExclusiveOwnerThread(Thread.currentThread());
            return true;
        }
        return false;
    }

    @Override
    protected boolean tryRelease(int ignored) {
        if (getExclusiveOwnerThread() != Thread.currentThread()) {
            throw new IllegalMonitorStateException("the frame lock is not held by this thread");
        }
        setExclusiveOwnerThread(null);
        setState(0);
        return true;
    }

    @Override
    protected boolean isHeldExclusively() {
        return getExclusiveOwnerThread() == Thread.currentThread();
    }
}
