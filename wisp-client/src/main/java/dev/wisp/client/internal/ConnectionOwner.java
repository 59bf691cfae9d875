package dev.wisp.client.internal;

/** Where a connection goes back when an exchange is done with it: a pool, or an explicit connection. */
public interface ConnectionOwner {
    /**
     * Takes the connection back, exactly once per exchange, from any thread. The owner keeps it if
     * {@link Http1ClientConnection#isReusable()}, and closes it otherwise.
     */
    void release(Http1ClientConnection connection);
}
