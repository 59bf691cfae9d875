/**
 * Wisp client: HTTP/1.1 and HTTP/2 over plaintext or TLS on virtual threads. {@code Client} pools persistent
 * connections per origin; {@code ClientConnection} is one explicit connection; both send requests synchronously,
 * asynchronously or as streams both ways, with timeouts, typed failures and events; and open WebSockets, by URL or by
 * upgrading a connection that carried requests.
 */
module dev.wisp.client {
    requires transitive dev.wisp.core;
    requires transitive dev.wisp.tls;
    requires transitive dev.wisp.websocket;
    requires dev.wisp.transport;
    requires dev.wisp.http1;
    requires dev.wisp.http2;

    exports dev.wisp.client;
    exports dev.wisp.client.internal to dev.wisp.cli;
}
