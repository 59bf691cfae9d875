package dev.wisp.server;

/**
 * Told when connections open and close. Called on the connection's own thread, so a slow listener slows that
 * connection only; an exception thrown by a listener is logged and otherwise ignored.
 */
public interface ConnectionListener {
    /**
     * The connection was accepted and is about to read its first request; over TLS, once the handshake is done,
     * with the session in {@link ConnectionInfo#tls()} (a connection whose handshake fails is only counted, in
     * {@link Server#tlsHandshakeFailures()}).
     */
    default void opened(ConnectionInfo connection) {
    }

    /**
     * The connection switched protocols and speaks {@link ConnectionInfo#protocol()} from now on: an exchange
     * answered 101 (WebSocket), or a plaintext client began with the HTTP/2 connection preface (HTTP/2). Called
     * before the new protocol's first byte.
     */
    default void switched(ConnectionInfo connection) {
    }

    /**
     * The connection is closed; {@link ConnectionInfo#protocol()} is the protocol it spoke last.
     *
     * @param reason why, in a few words: "peer closed", "idle timeout", "evicted", "server stopping", ...
     */
    default void closed(ConnectionInfo connection, String reason) {
    }
}
