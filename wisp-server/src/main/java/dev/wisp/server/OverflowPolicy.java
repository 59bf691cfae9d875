package dev.wisp.server;

/**
 * What happens to a new connection when {@link ServerConfig#maxConnections()} are open and none of them is idle
 * (an idle one is always closed first to make room, least recently used first).
 */
public enum OverflowPolicy {
    /** Stop accepting until a connection closes; new connections wait in the listen backlog. */
    WAIT,
    /** Accept, answer 503 Service Unavailable with Connection: close, and close. */
    REJECT
}
