/**
 * Wisp transport: one connection's byte streams over a socket channel, plaintext or TLS (an SSLEngine over the
 * same channel), with read and write deadlines, half-close and an idle wait that holds no buffer. Server and
 * client connections both run on it; codecs above it read a WireInput and write a WireOutput and never learn
 * which variant is underneath. It knows no HTTP.
 */
module dev.wisp.transport {
    requires transitive dev.wisp.core;
    requires java.management;

    exports dev.wisp.transport to dev.wisp.server, dev.wisp.client, dev.wisp.websocket, dev.wisp.testing,
            dev.wisp.bench;
}
