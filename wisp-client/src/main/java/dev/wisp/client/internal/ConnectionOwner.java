package dev.wisp.client.internal;

import java.io.IOException;

/**
 * Where a connection goes back when an exchange is done with it: a pool, or an explicit connection. The hooks
 * with an exchange let an explicit connection pipeline requests; they do nothing by default.
 */
public interface ConnectionOwner {
    /**
     * Takes the connection back, exactly once per exchange, from any thread. The owner keeps it if
     * {@link Http1ClientConnection#isReusable()}, and closes it otherwise.
     */
    void release(Http1ClientConnection connection);

    /**
     * Closes a connection held by no exchange any more (or by none yet), gives its buffers back and takes it back;
     * taken back even should the close fail (a full heap), or it would stay checked out for good. Only on the thread
     * that used the connection last, or once that thread can no longer touch it.
     */
    default void releaseClosed(Http1ClientConnection connection, String reason) {
        try {
            connection.close(reason);
            connection.releaseBuffers();
        } finally {
            release(connection);
        }
    }

    /**
     * What ends an exchange of this owner once its caller dropped it unfinished and it is garbage: the connection
     * closes and comes back. The task holds none of the exchange; the thread that used the connection last is gone
     * with it.
     */
    default Runnable endWhenDropped(Http1Exchange exchange, String reason) {
        Http1ClientConnection connection = exchange.connection();
        return () -> releaseClosed(connection, reason);
    }

    /** Takes back the connection of an exchange that is done; exactly once per exchange, from any thread. */
    default void release(Http1Exchange exchange) {
        release(exchange.connection());
    }

    /** An exchange began on a connection of this owner, before its request is written. */
    default void started(Http1Exchange exchange) {
    }

    /** The exchange's whole request is written: the next request may go out before its response arrives. */
    default void requestWritten(Http1Exchange exchange) {
    }

    /**
     * Returns when the exchange's response is the next to arrive on its connection: at once unless requests are
     * pipelined.
     *
     * @throws IOException if the connection closed before the response, or the call ended while waiting
     */
    default void awaitTurnToRead(Http1Exchange exchange) throws IOException {
    }
}
