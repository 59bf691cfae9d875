package dev.wisp.client.internal;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.WARNING;

import dev.wisp.client.Origin;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Notices the exchanges of a pool that their callers dropped unfinished: a {@code Response} neither read to its end
 * nor closed holds its HTTP/1.1 connection, or its HTTP/2 stream and the body buffered for it, for good, and a pool
 * that leaks connections so ends up with calls waiting for one until they time out. Each exchange is watched through
 * a weak reference; once it is garbage without having ended, the sweeper ends what it held (the connection closes,
 * the stream is reset) and a warning says so, at most once a minute, as OkHttp does for a leaked connection.
 *
 * <p>Thread-safe; {@link #endDropped(long)} on the sweeper's thread only.
 */
final class ExchangeLeaks {
    private static final System.Logger LOG = System.getLogger(ExchangeLeaks.class.getName());
    private static final long WARNING_PERIOD_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final ReferenceQueue<Exchange> dropped = new ReferenceQueue<>();
    /** The watches of the exchanges under way: a reference is queued only while it is itself reachable. */
    private final Set<Watch> watching = ConcurrentHashMap.newKeySet();
    /** The sweeper's thread only. */
    private long lastWarningNanos;
    private int unwarned;
    private boolean warned;

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

    /**
     * Watches an exchange just started.
     *
     * @param end what ends the exchange without it: it must hold none of the exchange, or the exchange is never
     *     garbage
     */
    void watch(Exchange exchange, Runnable end) {
        Watch watch = new Watch(exchange, end);
        watching.add(watch);
        exchange.watchedBy(watch);
    }

    /** Ends the exchanges found garbage without having ended, and warns of them. */
    void endDropped(long nowNanos) {
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

    private void warn(Origin origin, long nowNanos) {
        unwarned++;
        if (warned && nowNanos - lastWarningNanos < WARNING_PERIOD_NANOS) {
            return;
        }
        LOG.log(WARNING, (unwarned == 1 ? "a response from " + origin + " was"
                : unwarned + " responses (the last from " + origin + ") were")
                + " dropped without being closed or read to the end: what each held (an HTTP/1.1 connection, or an"
                + " HTTP/2 stream and its buffered body) was ended only once it was garbage. Close every Response,"
                + " with try-with-resources.");
        warned = true;
        lastWarningNanos = nowNanos;
        unwarned = 0;
    }
}
