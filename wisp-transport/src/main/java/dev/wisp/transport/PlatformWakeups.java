package dev.wisp.transport;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * Wakes virtual threads for platform threads, from a virtual thread.
 *
 * <p>The JDK's scheduler queues a virtual thread that a platform thread unparks apart from the work of its
 * carriers, and takes from that queue only when a carrier has nothing of its own left: under a steady load, not for
 * hundreds of milliseconds (measured: a TLS handshake whose key exchange ran on a pool thread waited 110 ms on
 * average, and up to 1.6 s, to go on after it). Unparked from a virtual thread, the same thread queues among the
 * carrier's own work. So a platform thread leaves the thread to wake here; busy virtual threads, which pass by
 * often under exactly that load (a connection after each exchange, through {@link BusyThreads#exchangeEnded()}),
 * wake it with {@link #relay()}; and when none is busy, a relay thread of this class's own does, which the
 * scheduler then runs at once since its carriers are idle.
 */
final class PlatformWakeups {
    private static final Queue<Thread> PENDING = new ConcurrentLinkedQueue<>();
    private static final RelayThread RELAY = RelayThread.start("wisp-wakeup-relay", PlatformWakeups::relay);

    private PlatformWakeups() {
    }

    /** Wakes the thread, at once if the caller is a virtual thread, else through the next {@link #relay()}. */
    static void wake(Thread thread) {
        if (Thread.currentThread().isVirtual() || !thread.isVirtual()) {
            LockSupport.unpark(thread);
            return;
        }
        PENDING.add(thread);
        RELAY.unpark();
    }

    /** Wakes the threads platform threads left here; cheap when there are none. For virtual threads to call. */
    static void relay() {
        Thread thread;
        while ((thread = PENDING.poll()) != null) {
            LockSupport.unpark(thread);
        }
    }
}
