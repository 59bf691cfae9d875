package dev.wisp.transport;

import java.io.IOException;

/**
 * How a connection's thread waits for the next request or message when none is buffered, after what its carrier
 * ran just before ({@link CarrierLoad}). The caller then reads as usual.
 *
 * <ul>
 *   <li>Crowded, several connections taking turns on the carrier: the thread steps aside and lets them go first
 *       ({@link StepAside}), so that its request has arrived by the time it reads, and the read takes it at once
 *       instead of parking with the JDK's poller.</li>
 *   <li>Alone, one connection keeping a fast exchange going with nothing else on the carrier: the thread polls the
 *       socket for up to {@value #POLL_MICROS} µs, yielding between polls, before it blocks. Such a peer mostly
 *       sends its next request within that time, and a poll that finds it costs less than a wake-up through the
 *       JDK's poller, which takes a platform thread's wake-up, a scheduling of the poller's virtual thread and one
 *       of this thread. Measured with one keep-alive connection, server on one core: twice the requests a second
 *       and half the CPU time per request. A peer that falls quiet costs one poll period, once: its next wait is no
 *       longer alone.</li>
 *   <li>Otherwise the thread blocks in its read at once.</li>
 * </ul>
 */
public final class NextInput {
    static final int POLL_MICROS = 50;

    private NextInput() {
    }

    /**
     * For a connection's thread to call before it waits for the next request or message on the transport, when
     * none is buffered.
     */
    public static void beforeWaiting(Transport transport) throws IOException {
        beforeWaiting(transport, System.nanoTime());
    }

    /** {@link #beforeWaiting(Transport)} with the {@link System#nanoTime()} the caller has just read. */
    public static void beforeWaiting(Transport transport, long now) throws IOException {
        Thread thread = Thread.currentThread();
        if (!thread.isVirtual() || transport.isOnCarrierLoop()) { // a loop wakes it at once, or it goes last there
            return;
        }
        if (CarrierLoad.isCrowded(now, thread)) {
            StepAside.stepAside();
        } else if (CarrierLoad.isAlone(now, thread)) {
            pollFor(transport, now, POLL_MICROS * 1_000L);
        }
    }

    /**
     * Polls the transport until input is buffered (or the input ended) or the time is up, yielding between polls
     * so that anything else the carrier has to run goes first.
     *
     * @return whether input is buffered or the input ended
     */
    static boolean pollFor(Transport transport, long startNanos, long nanos) throws IOException {
        while (true) {
            if (transport.hasBufferedInput() || transport.pollInput() != IdleInput.EMPTY) {
                return true;
            }
            if (System.nanoTime() - startNanos >= nanos) {
                return false;
            }
            Thread.yield();
        }
    }
}
