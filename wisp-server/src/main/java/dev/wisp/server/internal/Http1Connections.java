package dev.wisp.server.internal;

import static java.lang.System.Logger.Level.DEBUG;

import dev.wisp.core.Status;
import dev.wisp.core.WireOutput;
import dev.wisp.http1.Http1Limits;
import dev.wisp.http1.Http1RequestReader;
import dev.wisp.server.HttpService;
import dev.wisp.server.Router;
import dev.wisp.tls.TlsSessionInfo;
import dev.wisp.transport.PlainTransport;
import dev.wisp.transport.StreamSocket;
import java.io.IOException;
import java.nio.channels.SocketChannel;

/**
 * The HTTP/1.1 side of a server port: its filters and routes and the request codec with its limits, shared by every
 * HTTP/1.1 connection of the port, and the factory of its connections. Immutable; built once at start.
 */
final class Http1Connections implements ConnectionFactory {
    private static final System.Logger LOG = System.getLogger(Http1Connections.class.getName());

    private final ServerContext context;
    private final HttpService service;
    private final Http1Limits limits;
    private final Http1RequestReader requestReader;
    /** The HTTP/2 side of the port, if the server serves HTTP/2; else null. */
    private final Http2Connections http2;

    /** @param service the filters and routes of this port's requests */
    Http1Connections(ServerContext context, HttpService service) {
        this.context = context;
        this.service = service;
        this.http2 = context.config().http2() ? new Http2Connections(context, service) : null;
        var config = context.config();
        this.limits = new Http1Limits(config.maxRequestLineBytes(), config.maxHeaderBytes(), config.maxHeaderCount(),
                config.maxChunkLineBytes());
        this.requestReader = new Http1RequestReader(limits);
    }

    Http1Limits limits() {
        return limits;
    }

    Http1RequestReader requestReader() {
        return requestReader;
    }

    Router router() {
        return service.router();
    }

    HttpService service() {
        return service;
    }

    /** The port's HTTP/2 side, or null if the server does not serve HTTP/2. */
    Http2Connections http2() {
        return http2;
    }

    /** The HTTP/1.1 connection that takes over after a TLS handshake. */
    Http1ServerConnection open(ServerConnection handshake, TlsSessionInfo session) {
        return new Http1ServerConnection(handshake, this, session);
    }

    @Override
    public ServerConnection open(StreamSocket socket, long id) throws IOException {
        return new Http1ServerConnection(context, this,
                PlainTransport.of(socket, context.config().writeTimeout().toNanos()), id);
    }

    /** Answers 503 on a thread of its own, so a peer that does not read cannot stall accepting. */
    @Override
    public void refuse(SocketChannel channel) {
        LOG.log(DEBUG, "refused a connection: maxConnections reached");
        Thread.ofVirtual().name("wisp-refuse").start(() -> {
            try (PlainTransport transport = PlainTransport.of(channel, context.config().writeTimeout().toNanos())) {
                // A 503 fits in the socket's send buffer, so its write does not wait for the peer.
                WireOutput out = WireOutput.of(transport.output(), context.buffers());
                Http1ErrorResponses.send(out, Status.SERVICE_UNAVAILABLE, "too many connections", context.counters());
            } catch (IOException e) {
                LOG.log(DEBUG, () -> "503 failed: " + e);
            }
        });
    }
}
