package dev.wisp.server.internal;

import dev.wisp.websocket.internal.IdleHandOff;

/**
 * A server WebSocket's hand-off, over HTTP/1.1 or an HTTP/2 stream: a wait in a burst of messages may hold the
 * session's read buffer as an HTTP/1.1 connection's burst wait does, within the same bound, at most
 * {@code maxPooledBuffers} such waits at once on the server.
 */
interface ServerIdleHandOff extends IdleHandOff {
    /** The server's context, whose registry counts the waits that hold a buffer. */
    ServerContext context();

    @Override
    default boolean mayWaitHoldingBuffer() {
        return context().registry().tryKeepBufferWhileIdle();
    }

    @Override
    default void waitHoldingBufferEnded() {
        context().registry().bufferKeptWhileIdleReturned();
    }
}
