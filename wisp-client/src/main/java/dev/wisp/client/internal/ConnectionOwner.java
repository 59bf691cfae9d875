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
