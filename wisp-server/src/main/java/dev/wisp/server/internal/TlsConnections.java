package dev.wisp.server.internal;

import static java.lang.System.Logger.Level.DEBUG;

import dev.wisp.tls.TlsContext;
import dev.wisp.transport.StreamSocket;
import dev.wisp.transport.TlsBuffers;
import dev.wisp.transport.TlsTransport;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The factory of an HTTPS port's connections: each starts as a {@link TlsHandshakeConnection}, which hands the
 * transport to the protocol ALPN chose once the handshake is done. Counts failed handshakes.
 *
 * <p>Thread-safe; one per TLS port.
 */
final class TlsConnections implements ConnectionFactory {
    private static final System.Logger LOG = System.getLogger(TlsConnections.class.getName());

    private final ServerContext context;
    private final TlsContext tls;
    private final TlsBuffers buffers;
    private final Http1Connections http1;
    private final AtomicLong handshakeFailures = new AtomicLong();

    TlsConnections(ServerContext context, TlsContext tls, Http1Connections http1) {
        this.context = context;
        this.tls = tls;
        this.http1 = http1;
        this.buffers = TlsBuffers.forContext(tls.sslContext(), context.config().maxPooledBuffers());
        context.tlsBuffers(buffers);
    }

    @Override
    public ServerConnection open(StreamSocket socket, long id) throws IOException {
        TlsTransport transport = TlsTransport.of(socket, tls.newServerEngine(), buffers,
                context.config().writeTimeout().toNanos());
        // A request's head, or an HTTP/2 frame, begins with its record: whole within the header timeout.
        transport.recordTimeout(context.config().headerTimeout().toNanos());
        return new TlsHandshakeConnection(context, this, transport, id);
    }

    /** Closes the socket: a refusal in words would need a handshake, which is what a full server cannot afford. */
    @Override
    public void refuse(SocketChannel channel) {
        LOG.log(DEBUG, "refused a TLS connection: maxConnections reached");
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(DEBUG, () -> "close failed: " + e);
        }
    }

    TlsContext tls() {
        return tls;
    }

    Http1Connections http1() {
        return http1;
    }

    /** Counts a failed handshake and logs it at DEBUG, in one line: a peer must not be able to flood the log. */
    void handshakeFailed(long id, String reason) {
        handshakeFailures.incrementAndGet();
        try {
            LOG.log(DEBUG, () -> "[c" + id + "] TLS handshake failed: " + reason);
        } catch (RuntimeException | Error shortOfMemory) {
            // a debug line lost; the failure is counted
        }
    }

    long handshakeFailures() {
        return handshakeFailures.get();
    }
}
