package dev.wisp.client.internal;

import dev.wisp.websocket.internal.IdleHandOff;

/**
 * A client WebSocket's idle hand-off, over a connection of its own or a stream of a shared one: the waits that keep
 * their read buffer in a burst of messages are bounded for the whole process ({@link ClientInputWatcher}).
 */
interface ClientIdleHandOff extends IdleHandOff {
    @Override
    default boolean mayWaitHoldingBuffer() {
        return ClientInputWatcher.instance().mayHoldBuffer();
    }

    @Override
    default void waitHoldingBufferEnded() {
        ClientInputWatcher.instance().bufferGiven();
    }
}
