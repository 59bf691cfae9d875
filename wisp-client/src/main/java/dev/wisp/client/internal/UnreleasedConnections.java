package dev.wisp.client.internal;

/**
 * Connections whose giving back to their owner failed, kept for another try without allocating anything (a full
 * heap is what makes the giving back fail): a stack linked through the connections themselves. A monitor guards it,
 * not an atomic reference: the first compare-and-set at a call site links a method handle, which takes memory.
 *
 * <p>Thread-safe.
 */
final class UnreleasedConnections {
    private Http1ClientConnection top;

    /** Keeps a connection that nobody holds any more for {@link #releaseTo(ConnectionOwner)}. */
    synchronized void push(Http1ClientConnection connection) {
        connection.nextUnreleased = top;
        top = connection;
    }

    private synchronized Http1ClientConnection takeAll() {
        Http1ClientConnection all = top;
        top = null;
        return all;
    }

    /**
     * Gives every connection kept back to the owner; one whose giving back fails again is kept again by the owner,
     * and the others still go back.
     */
    void releaseTo(ConnectionOwner owner) {
        Http1ClientConnection connection = takeAll();
        while (connection != null) {
            Http1ClientConnection next = connection.nextUnreleased;
            connection.nextUnreleased = null;
            try {
                owner.release(connection);
            } catch (RuntimeException | Error e) {
                // kept again by the owner, for the next try
            }
            connection = next;
        }
    }
}
