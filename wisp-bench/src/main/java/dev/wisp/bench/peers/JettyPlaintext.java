package dev.wisp.bench.peers;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * Jetty 12 core plaintext peer: one {@link Handler.Abstract.NonBlocking} handler, no servlet layer.
 *
 * <p>Configuration: the default {@code QueuedThreadPool}; one {@code ServerConnector} with no acceptor thread
 * (its selector accepts, as connections are opened once) and one selector; the handler declares itself
 * non-blocking, so Jetty's adaptive execution strategy may run it on the selector thread instead of handing
 * each request to a pool thread. Default {@link HttpConfiguration} (it sends Date and Server headers),
 * no request log, pooled buffers as they default. Jetty logs through SLF4J; with no provider on the class
 * path it logs nothing.
 *
 * <p>HTTPS mode: Jetty's documented HTTPS connector, an {@link SslConnectionFactory} over a
 * {@link SslContextFactory.Server} (its defaults: the JDK's SSLEngine, TLS 1.3 and 1.2, Jetty's cipher
 * exclusions, the JDK's session cache and tickets) in front of the same HTTP/1.1 factory, whose configuration
 * adds the {@link SecureRequestCustomizer}. The key store is built in memory from the PEM files
 * ({@link PemKeyStore}), as Jetty reads no PEM itself.
 */
public final class JettyPlaintext {
    private static final HttpField CONTENT_TYPE = new PreEncodedHttpField(HttpHeader.CONTENT_TYPE,
            Plaintext.CONTENT_TYPE);
    private static final HttpField CONTENT_LENGTH = new PreEncodedHttpField(HttpHeader.CONTENT_LENGTH,
            Integer.toString(Plaintext.body().length));

    private JettyPlaintext() {
    }

    public static void main(String[] args) throws Exception {
        PeerLauncher.run("jetty", args, JettyPlaintext::start, JettyPlaintext::startTls);
    }

    static AutoCloseable start(int port) throws Exception {
        Server server = new Server();
        return start(server, port, new ServerConnector(server, 0, 1,
                new HttpConnectionFactory(new HttpConfiguration())));
    }

    static AutoCloseable startTls(int port, PeerLauncher.TlsFiles tls) throws Exception {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStore(PemKeyStore.load(tls.chain(), tls.key(), PemKeyStore.PASSWORD));
        ssl.setKeyStorePassword(new String(PemKeyStore.PASSWORD));
        HttpConfiguration https = new HttpConfiguration();
        https.addCustomizer(new SecureRequestCustomizer());
        ConnectionFactory http = new HttpConnectionFactory(https);
        Server server = new Server();
        return start(server, port, new ServerConnector(server, 0, 1,
                new SslConnectionFactory(ssl, http.getProtocol()), http));
    }

    private static AutoCloseable start(Server server, int port, ServerConnector connector) throws Exception {
        connector.setHost(Plaintext.HOST);
        connector.setPort(port);
        connector.setAcceptQueueSize(1024);
        server.addConnector(connector);
        server.setHandler(new PlaintextHandler());
        server.start();
        return server::stop;
    }

    private static final class PlaintextHandler extends Handler.Abstract.NonBlocking {
        private final ByteBuffer body = ByteBuffer.allocateDirect(13).put(Plaintext.body()).flip()
                .asReadOnlyBuffer();

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            if (!"GET".equals(request.getMethod()) || !Plaintext.PATH.equals(Request.getPathInContext(request))) {
                Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404);
                return true;
            }
            response.setStatus(HttpStatus.OK_200);
            response.getHeaders().put(CONTENT_TYPE);
            response.getHeaders().put(CONTENT_LENGTH);
            response.write(true, body.slice(), callback);
            return true;
        }
    }
}
