package dev.wisp.client;

/**
 * {@link ClientConnection#upgradeToWebSocket} was asked to upgrade a connection that goes through an HTTP proxy to
 * an {@code http:} origin. Such a connection is to the proxy, which takes each request in absolute-form and
 * forwards it; it does not relay an upgrade (RFC 9110 §7.8 makes {@code Upgrade} hop-by-hop), and RFC 6455 §4.1
 * asks a WebSocket client to reach its origin through a proxy with a {@code CONNECT} tunnel. Nothing was sent; the
 * connection is unchanged and still carries HTTP requests.
 *
 * <p>Instead: {@link Client#webSocket(String, dev.wisp.websocket.WebSocketConfig)}, which opens a {@code ws:}
 * WebSocket through the same proxy in a {@code CONNECT} tunnel; or an {@code https:} origin, whose connection is a
 * tunnel already, so it can be upgraded; or the origin's host on the proxy's bypass list
 * ({@link ProxyConfig#withBypass(String)}).
 */
public final class WebSocketNeedsTunnelException extends HttpCallException {
    WebSocketNeedsTunnelException(Origin origin, ProxyConfig proxy) {
        super("cannot upgrade the connection to " + origin + " to WebSocket: it goes through the HTTP proxy "
                + proxy.host() + ":" + proxy.port() + ", which takes requests in absolute-form and would not relay"
                + " the upgrade; a WebSocket needs a CONNECT tunnel there (RFC 6455 §4.1): use Client.webSocket,"
                + " which opens one, or an https origin", null);
    }
}
