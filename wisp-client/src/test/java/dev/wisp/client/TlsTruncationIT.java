package dev.wisp.client;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.testing.TestCertificate;
import dev.wisp.testing.TestCertificate.KeyType;
import dev.wisp.testing.TestCertificates;
import dev.wisp.tls.TlsConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A body delimited by the end of the connection, over TLS, against the JDK's own TLS server: it is whole only when
 * the server's close_notify ends it (RFC 9112 §9.8). A TCP close without one is what an attacker who cuts the
 * connection produces, so the call fails as the cut of a framed body does, rather than returning a short body.
 */
class TlsTruncationIT {
    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final TestCertificate CA = TestCertificates.ca(KeyType.EC);
    private static final TestCertificate SERVER = TestCertificates.server(CA, KeyType.EC);
    private static final String RESPONSE = "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n0123456789";

    /** Answers one request with {@link #RESPONSE}, then ends TLS with close_notify or only closes the socket. */
    private static Thread answerOnce(ServerSocket listener, String protocol, boolean closeNotify) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", SERVER.keyPair().getPrivate(), new char[0],
                SERVER.chain().toArray(new Certificate[0]));
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, new char[0]);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return Thread.ofVirtual().start(() -> {
            try (Socket raw = listener.accept()) {
                SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(raw, null, raw.getPort(), false);
                tls.setUseClientMode(false);
                tls.setEnabledProtocols(new String[] {protocol});
                InputStream in = tls.getInputStream();
                for (int ends = 0; ends < 4; ) { // the request head, up to its empty line
                    int b = in.read();
                    if (b < 0) {
                        return;
                    }
                    ends = (b == '\r' || b == '\n') ? ends + 1 : 0;
                }
                tls.getOutputStream().write(RESPONSE.getBytes(US_ASCII));
                tls.getOutputStream().flush();
                if (closeNotify) {
                    tls.close();
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static Client trustingClient() {
        return Client.create(ClientConfig.builder()
                .tls(TlsConfig.builder().trustedCertificates(List.of(CA.certificate())).build()).build());
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void failsABodyEndedByATcpCloseWithoutCloseNotify(String protocol) {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                    Client client = trustingClient()) {
                Thread server = answerOnce(listener, protocol, false);
                Response response = client.send(Request.get("https://localhost:" + listener.getLocalPort() + "/"));
                assertEquals(200, response.statusCode());
                IOException e = assertThrows(IOException.class, response::text);
                assertTrue(e.getMessage().contains("close_notify"), e.getMessage());
                server.join();
            }
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void acceptsABodyEndedByCloseNotify(String protocol) {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                    Client client = trustingClient()) {
                Thread server = answerOnce(listener, protocol, true);
                Response response = client.send(Request.get("https://localhost:" + listener.getLocalPort() + "/"));
                assertEquals("0123456789", response.text());
                server.join();
            }
        });
    }
}
