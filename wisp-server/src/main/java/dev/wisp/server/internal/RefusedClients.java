package dev.wisp.server.internal;

import static java.lang.System.Logger.Level.WARNING;

import dev.wisp.server.ClientAddress;
import dev.wisp.transport.CountingLogLimit;
import java.net.InetAddress;

/**
 * Tells of the connections refused because their client held {@code maxConnectionsPerClient} already: a line at
 * WARNING once a minute at most, naming the last client refused and how many were refused since the line before,
 * as a client that keeps trying would otherwise write a line per try.
 */
final class RefusedClients {
    private static final System.Logger LOG = System.getLogger(RefusedClients.class.getName());

    private final int maxPerClient;
    private final CountingLogLimit limit = new CountingLogLimit();

    RefusedClients(int maxPerClient) {
        this.maxPerClient = maxPerClient;
    }

    void log(InetAddress address) {
        long now = System.nanoTime();
        long refused = limit.count(now);
        if (refused == 0) {
            return;
        }
        try {
            LOG.log(WARNING, "refused " + refused + " connection" + (refused == 1 ? "" : "s")
                    + " of clients that held maxConnectionsPerClient (" + maxPerClient + ") already, the last from "
                    + ClientAddress.describe(address) + " (logged again at most once a minute)");
        } catch (RuntimeException | Error e) {
            limit.giveBack(now, refused); // no memory for the line: the next refusal tries again
        }
    }
}
