/**
 * The Wisp HTTP server: one virtual thread per connection with blocking I/O, strict HTTP/1.1 and HTTP/2 codecs, routing
 * by method and path pattern, WebSocket routes on the same port, and bounded resources (limits, timeouts, a
 * connection cap with LRU purge).
 */
module dev.wisp.server {
    requires transitive dev.wisp.core;
    requires transitive dev.wisp.tls;
    requires transitive dev.wisp.websocket;
    requires dev.wisp.http1;
    requires dev.wisp.http2;
    requires dev.wisp.transport;

    exports dev.wisp.server;
    exports dev.wisp.server.files;
    exports dev.wisp.server.filters;
    exports dev.wisp.server.forms;
    exports dev.wisp.server.sse;
}
