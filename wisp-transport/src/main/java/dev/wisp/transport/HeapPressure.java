package dev.wisp.transport;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.List;
import javax.management.NotificationEmitter;

/**
 * Whether the heap is nearly full of live objects, as the last garbage collections found it: the signal for a server
 * to shed load before the heap fills. A full heap does worse than fail the requests that meet it: the JDK's own
 * threads die of the {@link OutOfMemoryError} too (the poller that wakes every virtual thread's blocked read among
 * them), and a server whose clients hold the heap full (request heads that never end, downloads that are never read,
 * WebSocket messages whose echoes nobody takes) then never answers again, nor heeds a stop signal.
 *
 * <p>After each collection the heap's use is added up over its pools (what the collection left); the pressure is
 * high from a collection that left it at least {@value #HIGH_PERCENT}% full, and stays high while collections leave
 * it at least {@value #LOW_PERCENT}% full. A collection's finding holds for {@value #HOLD_MILLIS} ms only: a server
 * that sheds allocates little, so no collection may come to tell that memory is back, and one that takes work again
 * allocates and so learns soon whether it is not. With the serial and parallel collectors, a young collection does
 * not look at the old generation, whose part is then as the last full collection left it: no false alarm from the
 * garbage it gathers between its collections, and an alarm only once a full collection finds the heap this full.
 *
 * <p>Process-wide, as the heap is: {@link #watch()} starts it (idempotent); until then it is never high. Reading
 * {@link #isHigh()} costs a volatile read, and a clock read only while a collection found the heap this full.
 */
public final class HeapPressure {
    /** How full a collection leaves the heap for the pressure to turn high. */
    static final int HIGH_PERCENT = 80;
    /** How full collections must leave the heap for high pressure to go on. */
    static final int LOW_PERCENT = 65;
    /** How long a collection's finding holds. */
    static final long HOLD_MILLIS = 2_000;
    private static final long HOLD_NANOS = HOLD_MILLIS * 1_000_000;
    /** What a client refused while the pressure is high is told, whatever the protocol (a 503, a close 1013). */
    public static final String REFUSAL = "the server is short of memory; try again later";

    private static volatile boolean watching;
    /** Whether the last collection found the pressure high; written by the notifying thread and rechecks. */
    private static volatile boolean high;
    /** When the last collection that found it high ended ({@link System#nanoTime()}). */
    private static volatile long highSinceNanos;
    /** The JVM's collectors, once {@link #watch()} found them; before {@link #heapPools} is set. */
    private static List<GarbageCollectorMXBean> collectors = List.of();
    /** How many collections there had been as the last look began. */
    private static volatile long collectionsSeen = -1;
    /** The heap's pools, once {@link #watch()} found them. */
    private static volatile List<MemoryPoolMXBean> heapPools;
    /** How full the last collection left the heap, in percent; -1 before the first. */
    private static volatile int lastPercent = -1;

    private HeapPressure() {
    }

    /**
     * Starts listening to the JVM's garbage collections, once per process. Does nothing where the JVM has no
     * management beans to tell of them.
     */
    public static synchronized void watch() {
        if (watching) {
            return;
        }
        watching = true;
        List<MemoryPoolMXBean> pools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP && pool.isCollectionUsageThresholdSupported())
                .toList();
        long max = Runtime.getRuntime().maxMemory();
        if (pools.isEmpty() || max <= 0 || max == Long.MAX_VALUE) {
            return;
        }
        collectors = ManagementFactory.getGarbageCollectorMXBeans();
        heapPools = pools;
        for (GarbageCollectorMXBean collector : collectors) {
            if (collector instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener((notification, handback) -> collected(pools, max), null, null);
            }
        }
    }

    /** Whether the heap is nearly full of live objects; always false before {@link #watch()}. */
    public static boolean isHigh() {
        return high && System.nanoTime() - highSinceNanos < HOLD_NANOS;
    }

    /** How full the last collection left the heap, in percent; -1 before the first (or without {@link #watch()}). */
    public static int lastPercent() {
        return lastPercent;
    }

    /**
     * Looks again at what the last collections left, for a thread that does so now and then (a server's timeout
     * sweeper): the JVM drops its notifications when it has no memory to make them, which is when they matter.
     */
    public static void recheck() {
        List<MemoryPoolMXBean> pools = heapPools;
        if (pools != null && collections() != collectionsSeen) {
            collected(pools, Runtime.getRuntime().maxMemory());
        }
    }

    /** How many collections the JVM has made so far. Allocates nothing. */
    private static long collections() {
        long count = 0;
        for (GarbageCollectorMXBean collector : collectors) {
            count += Math.max(0, collector.getCollectionCount());
        }
        return count;
    }

    /**
     * After a collection, on the JVM's notifying thread, or at a {@link #recheck()}: takes in what it left. Where
     * there is no memory even to look, the heap is full: the pressure is high. One look at a time. Never throws.
     */
    private static synchronized void collected(List<MemoryPoolMXBean> heapPools, long max) {
        try {
            collectionsSeen = collections(); // first: a collection meanwhile is looked at again by a recheck
            long used = 0;
            for (MemoryPoolMXBean pool : heapPools) {
                MemoryUsage afterCollection = pool.getCollectionUsage();
                if (afterCollection != null) {
                    used += afterCollection.getUsed();
                }
            }
            int percent = (int) Math.min(100, used * 100 / max);
            lastPercent = percent;
            boolean nowHigh = percent >= (high ? LOW_PERCENT : HIGH_PERCENT);
            if (nowHigh) {
                highSinceNanos = System.nanoTime();
            }
            high = nowHigh;
        } catch (OutOfMemoryError e) {
            highSinceNanos = System.nanoTime();
            high = true;
        } catch (RuntimeException | Error e) {
            // not for want of memory: the next collection looks again
        }
    }
}
