package dev.wisp.transport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Tells whether the JDK's poller is late to wake the virtual threads blocked in channel calls, by timing a wake-up
 * of its own: a byte sent down a pipe whose reading end a virtual thread of this class waits on, as a connection's
 * thread waits on its socket. The probe waits as the connections do, so it is late when theirs are: the poller's
 * virtual thread not run for want of a free carrier, or the poller gone (the JDK's pollers end at the first
 * {@link Error} they meet).
 *
 * <p>Why: {@link LateWakeups} counts the bytes waiting on the socket of each blocked thread, a system call each, to
 * wake those the poller left. That pays where the poller is late (a carrier kept busy, by many quick requests or by
 * fewer costly ones such as HTTPS requests), and is waste where it is not: at a moderate load the carrier is free
 * often enough to run the poller, the counts found requests that the poller was about to hand over anyway, and
 * their wake-ups raced it. Measured at a fixed 10,000 requests/s over 64 keep-alive connections, server on one
 * core: two counts per request, 12.6 system calls per request in all, 10.8 once the scans counted only while this
 * probe found the poller late, and 5 to 8% less of the server's CPU time per request. A closed loop, where the
 * poller is late, measured the same with and without the probe.
 *
 * <p>How: the scans ask {@link #isLate}, which sends a probe when none is out and none was sent in the last
 * {@value #PROBE_EVERY_TICKS} ticks, and finds the poller late while the probe out has waited
 * {@value #LATE_TICKS} ticks or more, and for {@value #HOLD_TICKS} ticks after. Without a pipe or a thread
 * (descriptors or memory short) the poller counts as late, as it did for the scans before this probe, and the probe
 * is tried again after {@value #RETRY_TICKS} ticks; a probe whose thread ended keeps its byte out, and the poller
 * late, for good. Nothing runs here while no scan asks: an idle server sends no probe.
 */
final class PollerProbe {
    /** How long a probe may wait before the poller counts as late, in {@link LateWakeups} ticks: half a ms. */
    static final int LATE_TICKS = 2;
    /** How long the poller counts as late after a late probe was last seen, in ticks: about 34 ms. */
    static final int HOLD_TICKS = 128;
    /** The least time between two probes, in ticks: about 4 ms. */
    static final int PROBE_EVERY_TICKS = 16;
    /** How long after a probe could not be sent the next one is tried, in ticks: about a second. */
    static final int RETRY_TICKS = 4096;

    private static final PollerProbe SHARED = new PollerProbe(
            Thread.ofVirtual().name("wisp-poller-probe").factory());

    private final ThreadFactory receivers;
    /** When the probe out was sent, in ticks; meaningful while {@link #out} is set. */
    private volatile int sentAt;
    private volatile boolean out;
    /** How many probes were sent, for tests; written by the one scan sending a probe. */
    private volatile int sent;
    /** When the last probe was sent, in ticks; the scan that moves it sends the next one. */
    private final AtomicInteger lastSend;
    /** Until when the poller counts as late, in ticks. */
    private volatile int lateUntil;
    private volatile Pipe pipe;
    private volatile Thread receiver;
    /** The probe's byte; the one scan that got past {@link #lastSend} uses it. */
    private final ByteBuffer probeByte = ByteBuffer.allocate(1);

    /** A probe whose receiving thread the factory makes, a virtual one for the probe to mean anything. */
    PollerProbe(ThreadFactory receivers) {
        this.receivers = receivers;
        // The time in ticks as LateWakeups reads it, through its constant only: calling it would initialize that
        // class from this one's initialization, whose own initialization initializes this one (a thread doing one
        // while another does the other would wait for good).
        int now = (int) (System.nanoTime() >> LateWakeups.TICK_SHIFT);
        this.lastSend = new AtomicInteger(now - PROBE_EVERY_TICKS);
        this.lateUntil = now;
    }

    /** The probe the scans of {@link LateWakeups} ask. */
    static PollerProbe shared() {
        return SHARED;
    }

    /**
     * Whether the JDK's poller is late to wake blocked threads now; may send a probe. For the scans to call, with
     * the time in {@link LateWakeups#nowTicks() ticks} they read.
     */
    boolean isLate(int now) {
        if (out) {
            if (now - sentAt >= LATE_TICKS) {
                lateUntil = now + HOLD_TICKS;
            }
        } else {
            sendIfDue(now);
        }
        return now - lateUntil < 0;
    }

    /** Whether a probe is out, for tests. */
    boolean isOut() {
        return out;
    }

    /** How many probes were sent, for tests. */
    int probesSent() {
        return sent;
    }

    /**
     * Wakes the receiving thread, which reads again and waits again if it finds nothing: for the timeout sweeper
     * to call now and then, should the JDK have left the thread parked for good (a full heap can).
     */
    void nudge() {
        Thread thread = receiver;
        if (thread != null) {
            LockSupport.unpark(thread);
        }
    }

    /** Sends a probe unless one was sent lately; one scan at a time gets past the check. */
    private void sendIfDue(int now) {
        int last = lastSend.get();
        if (now - last < PROBE_EVERY_TICKS || !lastSend.compareAndSet(last, now)) {
            return;
        }
        try {
            Pipe current = pipe != null ? pipe : open();
            sentAt = now;
            out = true;
            probeByte.clear();
            current.sink().write(probeByte);
            sent++;
        } catch (IOException | RuntimeException | Error e) {
            // no pipe (descriptors short) or no thread (memory short): late, as the scans took it before the probe
            out = false;
            lateUntil = now + RETRY_TICKS;
            lastSend.set(now + RETRY_TICKS - PROBE_EVERY_TICKS);
        }
    }

    /** Opens the pipe and starts its receiving thread; called by the one scan sending a probe. */
    private Pipe open() throws IOException {
        Pipe opened = Pipe.open();
        Thread thread;
        try {
            thread = receivers.newThread(() -> receive(opened.source()));
            if (thread == null) {
                throw new IOException("no thread for the poller probe");
            }
            thread.start();
        } catch (IOException | RuntimeException | Error e) {
            opened.sink().close();
            opened.source().close();
            throw e;
        }
        receiver = thread;
        pipe = opened;
        return opened;
    }

    /** The receiving thread's loop: each byte ends the probe out. */
    private void receive(Pipe.SourceChannel source) {
        ByteBuffer received = ByteBuffer.allocate(1);
        try {
            while (source.read(received.clear()) >= 0) {
                out = false;
            }
        } catch (IOException | RuntimeException | Error e) {
            // ends with the probe out for good: the poller counts as late, as the scans took it before the probe
        }
    }
}
