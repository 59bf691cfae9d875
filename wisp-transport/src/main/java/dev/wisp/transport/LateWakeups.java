package dev.wisp.transport;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Wakes the virtual threads blocked in a socket channel's read or write that the JDK's poller is late to wake.
 *
 * <p>Why: a virtual thread blocked in a channel call parks until the JDK's poller sees the socket ready. In the
 * JDK's default poller mode the pollers are virtual threads too; one that found nothing to do parks until a platform
 * thread, the master poller, wakes it, and the scheduler runs such a wake-up only once its carrier has no work of
 * its own. Under a steady load that can take seconds, and every socket of that poller waits with it (measured: in
 * about a third of the HTTPS keep-alive runs, 15 of 64 connections waited 2 s in a read while their requests had
 * arrived). So the busy connections, which run on exactly the carrier that is busy, look here after each exchange
 * ({@link BusyThreads#exchangeEnded()}): every {@value #SCAN_MILLIS} ms one of them goes over the threads blocked in
 * socket calls and unparks those that have waited {@value #FIRST_MILLIS} ms, then again at twice, four times that
 * and so on; a wait counts from the first scan that sees it (so a blocking call reads no clock), which makes the
 * first wake-up come {@value #FIRST_MILLIS} to 4 ms after the call blocked. An unparked thread retries its call:
 * it goes on if the socket is ready, and parks again otherwise, at the cost of a call that finds nothing, a few
 * times per wait however long. When no connection is busy, the carrier is free to run the poller, nobody looks
 * here, and nothing is woken early.
 *
 * <p>The {@link TimeoutSweeper} scans too, at each tick, and every {@value TimeoutSweeper#LATE_SCAN_MILLIS} ms
 * while its scans find threads to wake. That is for a poller that will never wake anyone: the JDK's pollers are
 * threads that end at the first {@link Error} they meet, an {@link OutOfMemoryError} above all, and from then on
 * a read that parks on its socket waits for good, its bytes come or not (seen under a full heap: a request's body
 * was not read after memory came back). With the sweeper's scans, such a read goes on at a tick at most late,
 * and the reads after it within milliseconds, for as long as the scans keep finding them; a server whose poller
 * died is slow, and works.
 *
 * <p>A thread blocked in a read is woken at the marks before {@value #WAKE_BLIND_MILLIS} ms only if its socket
 * holds bytes (a count the kernel gives at the cost of one system call): at a moderate load, where the carrier is
 * busy often enough for the scans to run but each connection waits a few milliseconds for its next request, most
 * woken reads had nothing to read, and each wake-up costs a park, a read that finds nothing and a new
 * registration with the poller (measured at a fixed 10,000 requests/s over 64 connections, server on one core:
 * 16% less CPU).
 *
 * <p>Why so soon: even in a steady closed loop (64 keep-alive connections, one core) the poller was late for a few
 * requests every few hundred milliseconds, so that each connection met such a wait within seconds. With the first
 * wake-up at 20 ms, these requests took 20 to 30 ms and made the run's worst latency; at 2 ms the worst was a young
 * collection's pause (8 to 12 ms), and the CPU per request did not change measurably.
 *
 * <p>A socket is listed while a thread may be blocked on it, and dropped by the scans once none has been for
 * {@value #DROP_AFTER_SCANS} of them, or when its wait goes to the {@link InputWatcher}: an idle connection that
 * waits without a thread is not looked at, and holds no entry here.
 */
final class LateWakeups {
    static final int SCAN_MILLIS = 1;
    static final int FIRST_MILLIS = 2;
    /**
     * Until a read has waited this long, its thread is woken only if its socket holds bytes; from then on at each
     * mark, whatever the socket holds (the end of the stream, which the count of bytes cannot tell from nothing).
     */
    static final int WAKE_BLIND_MILLIS = 32;
    /** How many scans in a row must find no thread blocked on a socket before it is dropped from the list. */
    static final int DROP_AFTER_SCANS = 64;
    /** How many listed sockets one millisecond of scan period covers; see {@link #periodAfter}. */
    static final int SOCKETS_PER_MILLI = 256;

    private static final Set<ChannelSocket> LISTED = ConcurrentHashMap.newKeySet();
    private static final AtomicInteger LAST_SCAN_MILLIS = new AtomicInteger(nowMillis());
    /** The time from one scan to the next, set by each scan from how many sockets it went over. */
    private static volatile int scanPeriodMillis = SCAN_MILLIS;

    private LateWakeups() {
    }

    /**
     * A clock in milliseconds for the waits: an int, so that a socket's two times cost it 8 bytes. It wraps after
     * 24 days; waits are compared by difference, which the wrap does not disturb.
     */
    static int nowMillis() {
        return millis(System.nanoTime());
    }

    private static int millis(long nanoTime) {
        return (int) (nanoTime / 1_000_000);
    }

    /** Lists the socket, whose thread is about to block on it; the socket's own flag makes this cheap when listed. */
    static void list(ChannelSocket socket) {
        LISTED.add(socket);
    }

    /** Drops the socket, which has no thread blocked on it now; see {@link ChannelSocket#unlistIfIdle()}. */
    static void unlist(ChannelSocket socket) {
        LISTED.remove(socket);
    }

    /** Whether the socket is listed, for tests. */
    static boolean isListed(ChannelSocket socket) {
        return LISTED.contains(socket);
    }

    /**
     * Goes over the listed sockets if no one has for the scan period: {@value #SCAN_MILLIS} ms, or longer when many
     * sockets are listed ({@link #periodAfter}). For busy virtual threads to call, with the {@link System#nanoTime()}
     * they read, and for the {@link TimeoutSweeper} at each of its ticks.
     *
     * @return whether the scan woke a thread
     */
    static boolean wakeLate(long nanoTime) {
        int now = millis(nanoTime);
        int last = LAST_SCAN_MILLIS.get();
        if (now - last < scanPeriodMillis || !LAST_SCAN_MILLIS.compareAndSet(last, now)) {
            return false;
        }
        int seen = 0;
        boolean woken = false;
        for (ChannelSocket socket : LISTED) {
            woken |= socket.wakeLate(now, now - last);
            seen++;
        }
        scanPeriodMillis = periodAfter(seen);
        return woken;
    }

    /**
     * The period until the next scan after one that went over this many sockets: {@value #SCAN_MILLIS} ms for up
     * to {@value #SOCKETS_PER_MILLI} of them, and a millisecond more for each {@value #SOCKETS_PER_MILLI} beyond,
     * so that the scans take about the same share of the carrier however many threads are blocked (thousands of
     * slow clients each holding a read open, say). Their first wake-ups come later then, in proportion.
     */
    static int periodAfter(int socketsSeen) {
        return Math.max(SCAN_MILLIS, socketsSeen / SOCKETS_PER_MILLI);
    }

    /**
     * Whether a wait of this length, seen now and not at the scan this long ago, passed one of the marks at which
     * a blocked thread is woken: {@value #FIRST_MILLIS} ms, then each doubling of it. Doubling keeps what a
     * thread blocked for long on a quiet socket costs small: a few wake-ups in all, not one per scan.
     */
    static boolean passedMark(int waitedMillis, int sinceLastScanMillis) {
        return mark(waitedMillis) > mark(waitedMillis - sinceLastScanMillis);
    }

    /** -1 before the first mark, 0 after it, 1 after twice it, 2 after four times it... */
    private static int mark(int waitedMillis) {
        if (waitedMillis < FIRST_MILLIS) {
            return -1;
        }
        return 31 - Integer.numberOfLeadingZeros(waitedMillis / FIRST_MILLIS);
    }
}
