package dev.wisp.core;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How many bytes of received content all the connections of one endpoint may hold unread at once. Each connection's
 * flow-control windows bound what it holds (HTTP/2's: a server's 1 MiB, a WebSocket stream's 256 KiB each), but not
 * what many connections hold together: clients that announce a window of 0, so that no answer can be written,
 * and send their windows' worth of content that no handler reads, filled the heap of a server, which then never
 * recovered. Content past the budget resets its stream ({@code ENHANCE_YOUR_CALM}) and is dropped; said once as it
 * starts and once as it ends.
 *
 * <p>Each connection takes its part through a {@link Ledger} of its own, which gives back whatever its streams
 * still hold when it closes: a stream left with content unread when its connection ended cannot keep a part of the
 * budget for good. Thread-safe.
 */
public final class ContentBudget {
    private static final System.Logger LOG = System.getLogger(ContentBudget.class.getName());

    private final long limit;
    private final AtomicLong left;
    private final Outage outage = new Outage();

    public ContentBudget(long limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("a content budget must be positive: " + limit);
        }
        this.limit = limit;
        this.left = new AtomicLong(limit);
    }

    /** A connection's account, to charge its streams' content to. */
    public Ledger ledger() {
        return new Ledger();
    }

    private boolean take(int bytes) {
        if (left.addAndGet(-bytes) >= 0) {
            return true;
        }
        left.addAndGet(bytes);
        if (outage.starts()) {
            LOG.log(WARNING, "received content unread reached its budget of " + limit + " bytes: streams that send"
                    + " more are reset (ENHANCE_YOUR_CALM) until handlers read it");
        }
        return false;
    }

    private void giveBack(long bytes) {
        if (left.addAndGet(bytes) >= limit / 2 && outage.ends()) {
            LOG.log(INFO, "received content unread is below half its budget again");
        }
    }

    /** One connection's part of the budget. */
    public final class Ledger {
        private long held;
        private boolean closed;

        private Ledger() {
        }

        /** Takes the bytes out of the budget for content a stream keeps; false if the budget cannot spare them. */
        public synchronized boolean take(int bytes) {
            if (closed || !ContentBudget.this.take(bytes)) {
                return false;
            }
            held += bytes;
            return true;
        }

        /** Gives back the bytes of content read or dropped. */
        public synchronized void giveBack(int bytes) {
            if (!closed && bytes > 0) {
                held -= bytes;
                ContentBudget.this.giveBack(bytes);
            }
        }

        /** The connection closed: what its streams still hold goes back, and nothing more is taken or given. */
        public synchronized void close() {
            if (!closed) {
                closed = true;
                ContentBudget.this.giveBack(held);
                held = 0;
            }
        }
    }
}
