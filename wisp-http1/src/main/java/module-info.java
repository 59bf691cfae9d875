/**
 * The HTTP/1.1 codec (RFC 9112), for both directions: request and response head readers and writers, message
 * framing, and fixed-length, chunked and read-until-close bodies. It knows bytes only; connections own sockets.
 */
module dev.wisp.http1 {
    requires transitive dev.wisp.core;

    exports dev.wisp.http1 to dev.wisp.server, dev.wisp.client, dev.wisp.testing, dev.wisp.bench;
}
