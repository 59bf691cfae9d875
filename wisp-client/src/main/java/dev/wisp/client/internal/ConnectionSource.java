package dev.wisp.client.internal;

import dev.wisp.client.Origin;
import java.io.IOException;

/** Gives a call the connection its exchange runs on, and takes it back: a pool, or an explicit connection. */
public interface ConnectionSource extends ConnectionOwner {
    /** A connection for one exchange; the caller gives it back through {@link #release(Http1ClientConnection)}. */
    Http1ClientConnection acquire(Origin origin, CallContext call) throws IOException;

    /**
     * Starts the call's exchange: on an HTTP/1.1 connection of its own for the while, or on a new stream of a shared
     * HTTP/2 connection where the source has one.
     */
    default Exchange startExchange(CallContext call) throws IOException {
        return Http1Exchange.start(acquire(call.request().origin(), call), this, call);
    }

    /**
     * Takes the call's place in line now, in the caller's thread, on a source whose calls take turns in the order
     * they were made (an explicit connection); the call then {@link CallContext#abandonTicket() gives it up} if it
     * ends before its turn. Does nothing on a pool.
     */
    default void reserveTurn(CallContext call) {
    }

    /**
     * As {@link #reserveTurn}, for a call that runs on a thread of its own: on a pool too, whose calls are served in
     * the order they came, its place is taken now, since its thread may run after those of calls made later.
     */
    default void reserveAsyncTurn(CallContext call) {
        reserveTurn(call);
    }

    /** Whether requests to this origin can run here; a follow-up to one that cannot is not followed. */
    default boolean reaches(Origin origin) {
        return true;
    }
}
