package dev.wisp.server;

/**
 * The protocol a connection speaks, as {@link ConnectionInfo#protocol()} tells it. A connection starts with
 * HTTP/1.1, or HTTP/2 when the server serves it and the client chose it (by ALPN over TLS, by its connection preface
 * in plaintext), and speaks WebSocket once an HTTP/1.1 exchange switched it with a 101 (RFC 6455 §4.2.2); the
 * messages of an HTTP/1.1 connection may still be HTTP/1.0 ({@link ServerRequest#protocol()}).
 */
public enum ConnectionProtocol {
    HTTP_1_1("HTTP/1.1"),
    HTTP_2("HTTP/2"),
    WEBSOCKET("WebSocket");

    private final String text;

    ConnectionProtocol(String text) {
        this.text = text;
    }

    /** The protocol's usual name: {@code HTTP/1.1}, {@code WebSocket}. */
    public String text() {
        return text;
    }

    @Override
    public String toString() {
        return text;
    }
}
