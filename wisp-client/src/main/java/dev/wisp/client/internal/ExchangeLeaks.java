package dev.wisp.client.internal;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.WARNING;

import dev.wisp.client.Origin;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Notices the exchanges that their callers dropped unfinished: a {@code Response} neither read to its end
 * nor closed holds its HTTP/1.1 connection, or its HTTP/2 stream and the body buffered for it, for good, and a pool
 * that leaks connections so ends up with calls waiting for one until they time out. Each exchange is watched through
 * a weak reference; once it is garbage without having ended, the sweeper ends what it held (the connection closes,
 * the stream is reset) and a warning says so, at most once a minute per origin, as OkHttp does for a leaked
 * connection.
 *
 * <p>One per process, swept by the {@link ClientSweeper}; thread-safe.
 */
final class ExchangeLeaks implements ClientSweeper.Sweepable {
    private static final System.Logger LOG = System.getLogger(ExchangeLeaks.class.getName());
    private static final long WARNING_PERIOD_NANOS = TimeUnit.MINUTES.toNanos(1);

    private static final ExchangeLeaks INSTANCE = new ExchangeLeaks();

    private final ReferenceQueue<Exchange> dropped = new ReferenceQueue<>();
    /** The watches of the exchanges under way: a reference is queued only while it is itself reachable. */
    private final Set<Watch> watching = ConcurrentHashMap.newKeySet();
    /** Per origin, when its last warning was given, and the drops since; the sweeper's thread only. */
    private final Map<Origin, Long> lastWarnings = new HashMap<>();
    private final Map<Origin, Integer> unwarned = new HashMap<>();

    /** The watch of one exchange: what ending it takes, held apart from the exchange, which is gone by then. */
    final class Watch extends WeakReference<Exchange> {
        private final AtomicBoolean ended;
        private final Runnable end;
        private final Origin origin;

        private Watch(Exchange exchange, Runnable end) {
            super(exchange, dropped);
            this.ended = exchange.ended;
            this.end = end;
            this.origin = exchange.request().origin();
        }

        /** The exchange ended: nothing to watch any more. */
        void forget() {
            watching.remove(this);
        }
    }

    private ExchangeLeaks() {
        ClientSweeper.instance().watch(this); // for good: found when the first exchange is watched
    }

    static ExchangeLeaks instance() {
        return INSTANCE;
    }

    /**
     * Watches an exchange just started, which {@link Exchange#endWhenDropped()} ends should its caller drop it; should
     * the watch fail (a full heap), the exchange is abandoned.
     *
     * @return the exchange
     */
    <E extends Exchange> E watch(E exchange) {
        try {
            Watch watch = new Watch(exchange, exchange.endWhenDropped());
            watching.add(watch);
            exchange.watchedBy(watch);
        } catch (RuntimeException | Error e) {
            exchange.abandon();
            throw e;
        }
        return exchange;
    }

    /** Ends the exchanges found garbage without having ended, and warns of them; the sweeper's thread only. */
    @Override
    public void sweep(long nowNanos) {
        for (Reference<? extends Exchange> reference; (reference = dropped.poll()) != null; ) {
            Watch watch = (Watch) reference;
            if (watching.remove(watch) && watch.ended.compareAndSet(false, true)) {
                try {
                    watch.end.run();
                } catch (RuntimeException | Error e) {
                    LOG.log(DEBUG, () -> "ending a dropped exchange with " + watch.origin + ": " + e);
                }
                warn(watch.origin, nowNanos);
            }
        }
    }

    /** Warns of a drop, at most once a minute per origin, counting the drops in between. */
    private void warn(Origin origin, long nowNanos) {
        int drops = unwarned.merge(origin, 1, Integer::sum);
        Long last = lastWarnings.get(origin);
        if (last != null && nowNanos - last < WARNING_PERIOD_NANOS) {
            return;
        }
        LOG.log(WARNING, (drops == 1 ? "a response from " + origin + " was" : drops + " responses from " + origin
                + " were") + " dropped without being closed or read to the end: what each held (an HTTP/1.1"
                + " connection, or an HTTP/2 stream and its buffered body) was ended only once it was garbage. Close"
                + " every Response, with try-with-resources.");
        unwarned.remove(origin);
        lastWarnings.put(origin, nowNanos);
        lastWarnings.entrySet().removeIf(entry -> nowNanos - entry.getValue() >= WARNING_PERIOD_NANOS
                && !unwarned.containsKey(entry.getKey()));
    }
}
