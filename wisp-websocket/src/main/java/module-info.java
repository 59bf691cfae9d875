/**
 * Wisp WebSocket (RFC 6455) with permessage-deflate (RFC 7692): the public API ({@code WebSocket},
 * {@code WebSocketListener}, {@code WebSocketConfig}, {@code CloseCode}) and, for the server and the client only,
 * the frame codec, the opening handshake checks, permessage-deflate and the session that runs over a transport.
 */
module dev.wisp.websocket {
    requires transitive dev.wisp.core;
    requires dev.wisp.transport;

    exports dev.wisp.websocket;
    exports dev.wisp.websocket.internal to dev.wisp.server, dev.wisp.client, dev.wisp.proxy, dev.wisp.testing,
            dev.wisp.bench;
}
