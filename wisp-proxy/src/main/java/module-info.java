/**
 * A reverse proxy for the Wisp server: a {@link dev.wisp.server.Handler} that forwards requests to an upstream
 * server over the Wisp client, streaming bodies both ways, and a WebSocket route that relays messages to an upstream
 * WebSocket.
 */
module dev.wisp.proxy {
    requires transitive dev.wisp.server;
    requires transitive dev.wisp.client;

    exports dev.wisp.proxy;
}
