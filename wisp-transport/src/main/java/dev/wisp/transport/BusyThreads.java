package dev.wisp.transport;

/**
 * What a busy virtual thread does for the others after each exchange, server or client alike.
 *
 * <p>Under a steady load the JDK's scheduler runs the virtual threads that its carriers' own work wakes and
 * queues the rest, those woken by platform threads (the JDK's pollers, a thread pool), until a carrier has
 * nothing else to do, which under load can take seconds. The busy threads run on exactly those carriers, so they
 * pass such wake-ups on: the ones platform threads left ({@link PlatformWakeups}), and the ones the JDK's poller
 * is late with ({@link LateWakeups}), and the threads that stepped aside should their resumer be late
 * ({@link StepAside}). The exchange also counts towards {@link CarrierLoad}. Cheap when there is nothing to pass on:
 * a clock read and a few field reads.
 */
public final class BusyThreads {
    private BusyThreads() {
    }

    /**
     * For a connection's virtual thread to call once an exchange (a request and its response) is done.
     *
     * @return the {@link System#nanoTime()} read here, for the caller's next step to use instead of a read of its
     *     own (clock reads are some tens of nanoseconds each on a virtual machine)
     */
    public static long exchangeEnded() {
        long now = System.nanoTime();
        exchangeEnded(now);
        return now;
    }

    static void exchangeEnded(long now) {
        PlatformWakeups.relay();
        LateWakeups.wakeLate(now);
        StepAside.resumeIfLate(now);
        CarrierLoad.exchangeEnded(now);
    }
}
