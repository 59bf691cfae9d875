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
 * ({@link BusyThreads#exchangeEnded()}): every {@value #SCAN_TICKS} ticks (of {@value #TICK_NANOS} ns, about a
 * quarter of a millisecond each) one of them goes over the threads blocked in socket calls and unparks those that
 * have waited {@value #FIRST_TICKS} ticks, then again at twice, four times that and so on; a wait counts from the
 * first scan that sees it (so a blocking call reads no clock), which makes the first wake-up come 2 to 4 ms after the
 * call blocked. On a crowded carrier ({@link CarrierLoad#isCrowded(long)}: several exchanges within a quarter of a
 * millisecond, the poller's wake-ups starved) they look every tick, and wake a thread from its first tick, one to two
 * ticks after it blocked. An unparked thread retries its call: it goes on if the socket is ready, and parks again
 * otherwise, at the cost of a call that finds nothing, a few times per wait however long. When no connection is
 * busy, the carrier is free to run the poller, nobody looks here, and nothing is woken early.
 *
 * <p>The {@link TimeoutSweeper} scans too, at each of its own ticks, and every
 * {@value TimeoutSweeper#LATE_SCAN_MILLIS} ms while its scans find threads to wake. That is for a poller that will
 * never wake anyone: the JDK's pollers are threads that end at the first {@link Error} they meet, an
 * {@link OutOfMemoryError} above all, and from then on a read that parks on its socket waits for good, its bytes come
 * or not (seen under a full heap: a request's body was not read after memory came back). With the sweeper's scans,
 * such a read goes on at most one of the sweeper's ticks late, and the reads after it within milliseconds, for as
 * long as the scans keep finding them; a server whose poller died is slow, and works.
 *
 * <p>A thread blocked in a read is woken at the marks before {@value #WAKE_BLIND_TICKS} ticks (about 34 ms) only if
 * its socket holds bytes (a count the kernel gives at the cost of one system call): at a moderate load, where the
 * carrier is busy often enough for the scans to run but each connection waits a few milliseconds for its next
 * request, most woken reads had nothing to read, and each wake-up costs a park, a read that finds nothing and a new
 * registration with the poller (measured at a fixed 10,000 requests/s over 64 connections, server on one core:
 * 16% less CPU). And it counts them only while {@link PollerProbe} finds the poller late: where the poller is on
 * time, the counts found requests it was about to hand over anyway, two counts per request at that load. While it
 * is late, a read that has waited past {@value #WAKE_BLIND_TICKS} ticks has its bytes counted at every scan, not
 * only at the marks, which double: with a dead poller, a read that had waited seconds would otherwise see its bytes
 * only seconds after they came.
 *
 * <p>Why so soon: even in a steady closed loop (64 keep-alive connections, one core) the poller is late for about
 * 0.7% of the requests, which then wait for these wake-ups. With the first one at 20 ms, those requests took 20 to
 * 30 ms and made the run's worst latency; with it at 2 to 4 ms they made the run's 99th percentile, 2.8 to 3.5 ms
 * against Netty's 2.0 to 2.8 in the same rounds; at one to two ticks it was 2.0 to 2.1 ms in each of five rounds,
 * and the CPU per request did not change measurably. Why only on a crowded carrier: at a moderate load (a fixed
 * 10,000 requests/s over 64 connections) the poller is not late, and looks every tick cost 9% more CPU per request,
 * in counts of bytes that found none and wake-ups the poller made as well.
 *
 * <p>A socket is listed while a thread may be blocked on it, and dropped by the scans once none has been for
 * {@value #DROP_AFTER_SCANS} of them, or when its wait goes to the {@link InputWatcher}: an idle connection that
 * waits without a thread is not looked at, and holds no entry here.
 */
final class LateWakeups {
    /** The clock's unit, 2^18 ns: a shift of {@link System#nanoTime()} makes the time. */
    static final long TICK_NANOS = 1L << 18;
    static final int TICK_SHIFT = 18;
    /** Every how many ticks the busy threads look, and after how many a blocked thread is first woken. */
    static final int SCAN_TICKS = 4;
    static final int FIRST_TICKS = 8;
    /** The same on a crowded carrier. */
    static final int CROWDED_SCAN_TICKS = 1;
    static final int CROWDED_FIRST_TICKS = 1;
    /**
     * Until a read has waited this long, its thread is woken only if its socket holds bytes; from then on at each
     * mark, whatever the socket holds (the end of the stream, which the count of bytes cannot tell from nothing).
     */
    static final int WAKE_BLIND_TICKS = 128;
    /** How many scans in a row must find no thread blocked on a socket before it is dropped from the list. */
    static final int DROP_AFTER_SCANS = 64;
    /** How many listed sockets one tick of scan period covers; see {@link #periodAfter}. */
    static final int SOCKETS_PER_TICK = 64;

    private static final Set<ChannelSocket> LISTED = ConcurrentHashMap.newKeySet();

    private static final AtomicInteger LAST_SCAN_TICKS = new AtomicInteger(nowTicks());
    /** The time from one scan to the next, set by each scan from how many sockets it went over. */
    private static volatile int scanPeriodTicks = SCAN_TICKS;

    static {
        // The probe's class is initialized with this one (at the first blocking read, while memory is to spare):
        // first initialized under a full heap, a class is unusable for good, and the scans use it.
        PollerProbe.shared();
    }

    private LateWakeups() {
    }

    /**
     * A clock in ticks for the waits: an int, so that a socket's two times cost it 8 bytes. It wraps after 6 days;
     * waits are compared by difference, which the wrap does not disturb.
     */
    static int nowTicks() {
        return ticks(System.nanoTime());
    }

    private static int ticks(long nanoTime) {
        return (int) (nanoTime >> TICK_SHIFT);
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
     * Goes over the listed sockets if no one has for the scan period: {@value #SCAN_TICKS} ticks, one on a crowded
     * carrier, or longer when many sockets are listed ({@link #periodAfter}). For busy virtual threads to call, with
     * the {@link System#nanoTime()} they read, and for the {@link TimeoutSweeper} at each of its ticks.
     *
     * @return whether the scan woke a thread
     */
    static boolean wakeLate(long nanoTime) {
        int now = ticks(nanoTime);
        int last = LAST_SCAN_TICKS.get();
        if (now - last < scanPeriodTicks || !LAST_SCAN_TICKS.compareAndSet(last, now)) {
            return false;
        }
        boolean crowded = CarrierLoad.isCrowded(nanoTime);
        int firstMark = crowded ? CROWDED_FIRST_TICKS : FIRST_TICKS;
        boolean pollerLate = PollerProbe.shared().isLate(now);
        int seen = 0;
        boolean woken = false;
        for (ChannelSocket socket : LISTED) {
            woken |= socket.wakeLate(now, now - last, firstMark, pollerLate);
            seen++;
        }
        scanPeriodTicks = periodAfter(seen, crowded ? CROWDED_SCAN_TICKS : SCAN_TICKS);
        return woken;
    }

    /**
     * The period until the next scan after one that went over this many sockets, in ticks: the given one for up to
     * {@value #SOCKETS_PER_TICK} of them, and at least a tick for each {@value #SOCKETS_PER_TICK} beyond, so that
     * the scans take about the same share of the carrier however many threads are blocked (thousands of slow
     * clients each holding a read open, say). Their first wake-ups come later then, in proportion.
     */
    static int periodAfter(int socketsSeen, int periodTicks) {
        return Math.max(periodTicks, socketsSeen / SOCKETS_PER_TICK);
    }

    /**
     * Whether a wait of this length in ticks, seen now and not at the scan this long ago, passed one of the marks at
     * which a blocked thread is woken: the first mark, then each doubling of it. Doubling keeps what a thread blocked
     * for long on a quiet socket costs small: a few wake-ups in all, not one per scan.
     */
    static boolean passedMark(int waitedTicks, int sinceLastScanTicks, int firstMark) {
        return mark(waitedTicks, firstMark) > mark(waitedTicks - sinceLastScanTicks, firstMark);
    }

    /** -1 before the first mark, 0 after it, 1 after twice it, 2 after four times it... */
    private static int mark(int waitedTicks, int firstMark) {
        if (waitedTicks < firstMark) {
            return -1;
        }
        return 31 - Integer.numberOfLeadingZeros(waitedTicks / firstMark);
    }
}
