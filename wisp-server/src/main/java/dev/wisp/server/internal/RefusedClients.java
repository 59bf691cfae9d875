package dev.wisp.server.internal;

import static java.lang.System.Logger.Level.WARNING;

import dev.wisp.server.ClientAddress;
import dev.wisp.transport.LogLimit;
import java.net.InetAddress;

/**
 * Tells of the connections refused because their client held {@code maxConnectionsPerClient} already: a line at
 * WARNING once a minute at most, naming the last client refused and how many were refused since the line before,
 * as a client that keeps trying would otherwise write a line per try. Used by the accept thread alone.
 */
final class RefusedClients {
    private static final System.Logger LOG = System.getLogger(RefusedClients.class.getName());

    private final int maxPerClient;
    private final LogLimit limit = LogLimit.perMinute();
    /** Refusals since the last line. */
    private long refused;

    RefusedClients(int maxPerClient) {
        this.maxPerClient = maxPerClient;
    }

    void log(InetAddress address) {
        refused++;
        long now = System.nanoTime();
        if (!limit.take(now)) {
            return;
        }
        try {
            LOG.log(WARNING, "refused " + refused + " connection" + (refused == 1 ? "" : "s")
                    + " of clients that held maxConnectionsPerClient (" + maxPerClient + ") already, the last from "
                    + ClientAddress.describe(address) + " (logged again at most once a minute)");
            refused = 0;
        } catch (RuntimeException | Error e) {
            limit.giveBack(now); // no memory for the line: the next refusal tries again
        }
    }
}
