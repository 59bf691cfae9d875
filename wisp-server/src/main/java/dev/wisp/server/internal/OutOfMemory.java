package dev.wisp.server.internal;

import dev.wisp.transport.LogLimit;

/**
 * What the server tells of a full heap. It fails whatever thread allocates next, connections included, and
 * passes as their memory is collected; one warning a minute says so, where a line per failed connection would
 * flood the log (and need memory of its own).
 */
final class OutOfMemory {
    /** Why a connection closed when memory ran out: a constant, since making a string may fail then too. */
    static final String REASON = "out of memory";

    private static final System.Logger LOG = System.getLogger(ServerConnection.class.getName());
    private static final LogLimit WARNINGS = LogLimit.perMinute("out of memory (", "): the connections that need memory"
            + " now are closed; logged again at most once a minute");

    private OutOfMemory() {
    }

    /** Logs the failure, if no warning was logged within the minute and there is memory to. */
    static void failed(Throwable e) {
        WARNINGS.warn(LOG, e);
    }
}
