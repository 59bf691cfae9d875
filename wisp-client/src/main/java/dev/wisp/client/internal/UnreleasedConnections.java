package dev.wisp.client.internal;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Connections whose giving back to their owner failed, kept for another try without allocating anything (a full
 * heap is what makes the giving back fail): a lock-free stack linked through the connections themselves.
 *
 * <p>Thread-safe.
 */
final class UnreleasedConnections {
    private final AtomicReference<Http1ClientConnection> top = new AtomicReference<>();

    /** Keeps a connection that nobody holds any more for {@link #releaseTo(ConnectionOwner)}. */
    void push(Http1ClientConnection connection) {
        Http1ClientConnection below;
        do {
            below = top.get();
            connection.nextUnreleased = below;
        } while (!top.compareAndSet(below, connection));
    }

    /**
     * Gives every connection kept back to the owner; one whose giving back fails again is kept again by the owner,
     * and the others still go back.
     */
    void releaseTo(ConnectionOwner owner) {
        Http1ClientConnection connection = top.getAndSet(null);
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
