package dev.wisp.transport;

/**
 * What {@link Transport#pollInput()} found on a connection nobody is reading: the question a client pool asks
 * before it reuses a keep-alive connection.
 */
public enum IdleInput {
    /** Nothing to read: the connection is open as far as the bytes received tell. */
    EMPTY,
    /** Application bytes are waiting and can be read without blocking. */
    DATA,
    /** The peer closed: the end of the stream, or under TLS a close_notify alert. */
    ENDED
}
