package dev.wisp.websocket.internal;

/**
 * Which end of the connection this side is. It decides masking (RFC 6455 §5.1: a client masks every frame it
 * sends, a server none) and who closes the TCP connection first after the closing handshake (the server, §7.1.1).
 */
public enum Role {
    CLIENT,
    SERVER;

    /** Whether frames sent by this side are masked. */
    boolean masksOutgoing() {
        return this == CLIENT;
    }
}
