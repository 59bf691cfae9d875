package dev.wisp.core;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How much of something all the connections of one endpoint may hold at once, where each connection's own limits do
 * not bound what many hold together: bytes of received content unread (HTTP/2's windows bound one connection's, 1 MiB
 * of requests, 256 KiB a WebSocket stream; clients that announced a window of 0, so that no answer could be written,
 * and sent their windows' worth to handlers that read nothing filled the heap of a server, which never recovered), or
 * HTTP/2 streams running their handlers (100 a connection, which many connections multiply). What is past the budget
 * is refused by the caller; said once as it starts and once as it ends.
 *
 * <p>Each connection takes its part through a {@link Ledger} of its own, which gives back whatever it still holds
 * when it closes: a stream left with content unread, or one whose handler never ended, when its connection ended
 * cannot keep a part of the budget for good. Thread-safe.
 *
 * <p>A budget {@linkplain #withFairShares made so} also keeps a connection from taking more than an equal share of
 * it while it is nearly spent (three quarters or more taken), among the connections that hold some and those it
 * refused since they last held any: connections that take back every part as fast as it frees (an attacker's, whose
 * slow streams the server ends) could otherwise keep a newcomer out for good. One connection alone may take all.
 */
public final class SharedBudget {
    private static final System.Logger LOG = System.getLogger(SharedBudget.class.getName());

    private final long limit;
    private final AtomicLong left;
    private final Outage outage = new Outage();
    private final String reached;
    private final String eased;
    private final boolean fairShares;
    /** The ledgers that hold some of the budget; counted only with fair shares. */
    private final AtomicInteger holders = new AtomicInteger();
    /** The ledgers refused while they held none, and not served since; counted only with fair shares. */
    private final AtomicInteger waiters = new AtomicInteger();

    /**
     * @param reached what the log says as the budget runs out, after "reached its budget of {limit}"
     * @param eased what it says once less than half is taken again
     */
    public SharedBudget(long limit, String reached, String eased) {
        this(limit, reached, eased, false);
    }

    private SharedBudget(long limit, String reached, String eased, boolean fairShares) {
        if (limit <= 0) {
            throw new IllegalArgumentException("a budget must be positive: " + limit);
        }
        this.limit = limit;
        this.left = new AtomicLong(limit);
        this.reached = Objects.requireNonNull(reached, "reached");
        this.eased = Objects.requireNonNull(eased, "eased");
        this.fairShares = fairShares;
    }

    /**
     * A budget that, while nearly spent, lets no connection take more than an equal share of it (see above): for one
     * whose parts are few and each held a while, such as streams; not for bytes, taken and given back many times a
     * second, which the counting would slow.
     */
    public static SharedBudget withFairShares(long limit, String reached, String eased) {
        return new SharedBudget(limit, reached, eased, true);
    }

    /**
     * The budget of received content that no handler has done with yet, in bytes, as a server's connections share it:
     * HTTP/2 streams' content unread, WebSocket messages being assembled or handled.
     */
    public static SharedBudget heldContent(long limitBytes) {
        return new SharedBudget(limitBytes, "received content unread reached its budget of " + limitBytes
                + " bytes: streams that send more are reset (ENHANCE_YOUR_CALM), WebSocket messages closed with 1013,"
                + " until handlers read it",
                "received content unread is below half its budget again");
    }

    /** A connection's account, to charge its streams' content to. */
    public Ledger ledger() {
        return new Ledger();
    }

    private boolean take(int amount) {
        if (left.addAndGet(-amount) >= 0) {
            return true;
        }
        left.addAndGet(amount);
        if (outage.starts()) {
            LOG.log(WARNING, reached);
        }
        return false;
    }

    private void giveBack(long amount) {
        if (left.addAndGet(amount) >= limit / 2 && outage.ends()) {
            LOG.log(INFO, eased);
        }
    }

    /** One connection's part of the budget. */
    public final class Ledger {
        private long held;
        private boolean closed;
        /** Whether it was refused while it held none, and not served since; with fair shares only. */
        private boolean waiting;

        private Ledger() {
        }

        /**
         * Takes this much out of the budget (a stream's content, a stream); false if the budget cannot spare it, or,
         * with fair shares, if this connection would hold more than its share of a budget nearly spent.
         */
        public synchronized boolean take(int amount) {
            if (closed) {
                return false;
            }
            if (fairShares && isPastShare(amount) || !SharedBudget.this.take(amount)) {
                if (fairShares && held == 0 && !waiting) {
                    waiting = true;
                    waiters.incrementAndGet();
                }
                return false;
            }
            if (fairShares && held == 0) {
                holders.incrementAndGet();
                if (waiting) {
                    waiting = false;
                    waiters.decrementAndGet();
                }
            }
            held += amount;
            return true;
        }

        /** Whether this much more would take this connection past its share of a budget nearly spent. */
        private boolean isPastShare(int amount) {
            if (left.get() > limit / 4) {
                return false;
            }
            int contenders = holders.get() + waiters.get() + (held == 0 && !waiting ? 1 : 0);
            return held + amount > Math.max(1, limit / Math.max(1, contenders));
        }

        /** Gives back what was taken: content read or dropped, a stream ended. */
        public synchronized void giveBack(int amount) {
            if (!closed && amount > 0) {
                held -= amount;
                if (fairShares && held == 0) {
                    holders.decrementAndGet();
                }
                SharedBudget.this.giveBack(amount);
            }
        }

        /** The connection closed: what it still holds goes back, and nothing more is taken or given. */
        public synchronized void close() {
            if (!closed) {
                closed = true;
                if (fairShares) {
                    if (held > 0) {
                        holders.decrementAndGet();
                    }
                    if (waiting) {
                        waiters.decrementAndGet();
                    }
                }
                SharedBudget.this.giveBack(held);
                held = 0;
            }
        }
    }
}
