package dev.wisp.client;

import dev.wisp.testing.TestCertificate;
import dev.wisp.testing.TestCertificates;
import dev.wisp.tls.TlsConfig;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.Certificate;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http2.HTTP2Cipher;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * Jetty 12's HTTP/2 server in the test's JVM, on an ephemeral loopback port: over TLS with ALPN h2 (HTTP/1.1 as the
 * fallback) through the JDK's ALPN, or h2c by prior knowledge only. It serves {@link Http2Peer}'s
 * {@code /index.html}, {@code /large.bin} and {@code /text.txt} (not compressed) from memory, and echoes uploads
 * at {@code /echo}.
 */
final class JettyHttp2Peer {
    private static final byte[] LARGE = Http2Peer.large(Http2Peer.LARGE_BYTES);

    private JettyHttp2Peer() {
    }

    static Http2Peer start(boolean overTls) throws Exception {
        Server server = new Server();
        HttpConfiguration http = new HttpConfiguration();
        ServerConnector connector;
        TlsConfig tls = null;
        if (overTls) {
            TestCertificate ca = TestCertificates.ca(TestCertificate.KeyType.EC);
            TestCertificate certificate = TestCertificates.server(ca, TestCertificate.KeyType.EC, "localhost");
            tls = TlsConfig.builder().trustedCertificatesPem(ca.certificatePem()).build();
            ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory("h2", "http/1.1");
            connector = new ServerConnector(server, new SslConnectionFactory(sslContext(certificate),
                    alpn.getProtocol()), alpn, new HTTP2ServerConnectionFactory(http), new HttpConnectionFactory(http));
        } else {
            connector = new ServerConnector(server, new HTTP2CServerConnectionFactory(http));
        }
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(org.eclipse.jetty.server.Request request, org.eclipse.jetty.server.Response response,
                    Callback callback) throws Exception {
                serve(request, response, callback);
                return true;
            }
        });
        server.start();
        return new Http2Peer("jetty", connector.getLocalPort(), tls, Http2Peer.Uploads.ECHO, server::stop);
    }

    private static SslContextFactory.Server sslContext(TestCertificate certificate) throws Exception {
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        keyStore.load(null, null);
        char[] password = "peer".toCharArray();
        keyStore.setKeyEntry("server", certificate.keyPair().getPrivate(), password,
                certificate.chain().toArray(new Certificate[0]));
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStore(keyStore);
        ssl.setKeyStorePassword("peer");
        ssl.setCipherComparator(HTTP2Cipher.COMPARATOR);
        return ssl;
    }

    private static void serve(org.eclipse.jetty.server.Request request, org.eclipse.jetty.server.Response response,
            Callback callback) throws Exception {
        byte[] body = switch (org.eclipse.jetty.server.Request.getPathInContext(request)) {
            case "/echo" -> Content.Source.asInputStream(request).readAllBytes();
            case "/index.html" -> "hello peer\n".getBytes(StandardCharsets.US_ASCII);
            case "/large.bin" -> LARGE;
            case "/text.txt" -> Http2Peer.TEXT.getBytes(StandardCharsets.US_ASCII);
            default -> null;
        };
        if (body == null) {
            org.eclipse.jetty.server.Response.writeError(request, response, callback, 404);
            return;
        }
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        boolean head = request.getMethod().equals("HEAD");
        response.write(true, head ? ByteBuffer.allocate(0) : ByteBuffer.wrap(body), callback);
    }
}
