package dev.wisp.websocket.internal;

/**
 * Where a session read by a listener may hand the wait for its next frame, and what bounds the waits it keeps;
 * see {@link WebSocketSession#run(IdleHandOff)}. The server's WebSocket connection is one: it hands waits to its
 * input watcher.
 */
public interface IdleHandOff {
    /**
     * Takes the wait for the next frame, if it can: its task then calls {@link WebSocketSession#run(IdleHandOff)}
     * again once bytes arrive or the connection closes. The calling thread must leave the session once this returns
     * true.
     *
     * @return false to let the caller wait on its own thread
     */
    boolean waitElsewhere();

    /**
     * Asks whether a wait on the reading thread, in a burst of messages, may hold the read buffer; if so,
     * {@link #waitHoldingBufferEnded()} follows the wait. Bounds the buffers that connections hold while they
     * wait. Must not block.
     */
    boolean mayWaitHoldingBuffer();

    /** Ends a wait that {@link #mayWaitHoldingBuffer()} allowed. */
    void waitHoldingBufferEnded();

    /**
     * Hears of each data message before the listener gets it: a connection kept busy by its peer lets the waits
     * it would hand off elsewhere have their turn. Must not block.
     */
    void messageArrived();
}
