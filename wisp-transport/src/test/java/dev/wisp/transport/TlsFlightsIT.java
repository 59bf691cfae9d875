package dev.wisp.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.testing.PeerTools;
import dev.wisp.testing.TestCertificate;
import dev.wisp.testing.TestCertificates;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A TLS handshake sends each of its flights in one socket write, whatever number of records the flight takes,
 * against openssl on the other side. A full handshake is two flights each way, so each side writes twice:
 * <ul>
 *   <li>server, TLS 1.3: ServerHello, ChangeCipherSpec and EncryptedExtensions to Finished; then the
 *       NewSessionTicket once the client's Finished came;
 *   <li>server, TLS 1.2: ServerHello, Certificate, ServerKeyExchange and ServerHelloDone; then NewSessionTicket,
 *       ChangeCipherSpec and Finished;
 *   <li>client with a certificate, TLS 1.3: ClientHello; then ChangeCipherSpec, Certificate, CertificateVerify and
 *       Finished;
 *   <li>client with a certificate, TLS 1.2: ClientHello; then Certificate, ClientKeyExchange, CertificateVerify,
 *       ChangeCipherSpec and Finished.
 * </ul>
 */
class TlsFlightsIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final TestCertificate CA = TestCertificates.ca(TestCertificate.KeyType.EC);
    private static final TestCertificate SERVER = TestCertificates.server(CA, TestCertificate.KeyType.EC);
    private static final TestCertificate CLIENT = TestCertificates.client(CA, "wisp client",
            TestCertificate.KeyType.EC);
    private static final char[] PASSWORD = "changeit".toCharArray();

    @TempDir
    Path directory;

    @ParameterizedTest
    @ValueSource(strings = {"-tls1_3", "-tls1_2"})
    void serverWritesEachFlightOnce(String version) {
        String openssl = PeerTools.require("openssl").toString();
        assertTimeoutPreemptively(TIMEOUT, () -> {
            try (ServerSocketChannel listener = ServerSocketChannel.open()
                    .bind(new InetSocketAddress("127.0.0.1", 0))) {
                int port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
                CompletableFuture<Long> handshakeWrites = new CompletableFuture<>();
                Thread.ofVirtual().start(() -> serveOne(listener, handshakeWrites));
                Process client = new ProcessBuilder(List.of(openssl, "s_client", "-connect", "127.0.0.1:" + port,
                        "-servername", "localhost", version, "-CAfile", write("ca.pem", CA.certificatePem()),
                        "-verify_return_error", "-quiet")).redirectErrorStream(true).start();
                try {
                    ByteArrayOutputStream output = new ByteArrayOutputStream();
                    client.getInputStream().transferTo(output);
                    assertTrue(client.waitFor(20, TimeUnit.SECONDS));
                    String text = output.toString(StandardCharsets.US_ASCII);
                    assertTrue(text.contains("handshaken"), text);
                    assertEquals(0, client.exitValue(), text);
                } finally {
                    PeerTools.stop(client);
                }
                assertEquals(2, handshakeWrites.get());
            }
        });
    }

    /** Accepts one connection, handshakes as the server, says so and closes; completes with the writes it took. */
    private static void serveOne(ServerSocketChannel listener, CompletableFuture<Long> handshakeWrites) {
        try (SocketChannel channel = listener.accept()) {
            SSLContext context = context(SERVER);
            SSLEngine engine = context.createSSLEngine();
            engine.setUseClientMode(false);
            TlsTransport transport = TlsTransport.of(channel, engine, TlsBuffers.forContext(context, 4),
                    TimeUnit.SECONDS.toNanos(10));
            transport.handshake();
            handshakeWrites.complete(transport.socketOutput.writeCalls());
            transport.output().write("handshaken\n".getBytes(StandardCharsets.US_ASCII));
            transport.shutdownOutput();
        } catch (Throwable e) {
            handshakeWrites.completeExceptionally(e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"-tls1_3", "-tls1_2"})
    void clientWritesEachFlightOnce(String version) {
        String openssl = PeerTools.require("openssl").toString();
        assertTimeoutPreemptively(TIMEOUT, () -> {
            int port = freePort();
            Process server = startServer(openssl, port, SERVER, version, "-Verify", "1", "-verify_return_error");
            try (SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port))) {
                TlsTransport transport = clientTransport(channel, port, TlsBuffers.forContext(context(CLIENT), 4));
                transport.handshake();
                long handshakeWrites = transport.socketOutput.writeCalls();

                transport.output().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                String page = new String(transport.input().readAllBytes(), StandardCharsets.US_ASCII);
                assertTrue(page.startsWith("HTTP/1.0 200 ok"), page);
                assertTrue(page.contains("wisp client"), "s_server saw the client certificate: " + page);
                assertEquals(2, handshakeWrites);
            } finally {
                PeerTools.stop(server);
            }
        });
    }

    /**
     * The JDK's TLS 1.3 client has its ChangeCipherSpec ready as soon as the ServerHello is read, and it is still
     * gathered when the server's certificate fails the check: it goes out with the alert, and the output holds no
     * buffer afterwards.
     */
    @Test
    void clientRefusingTheServerSendsItsAlertAndHoldsNoBuffer() {
        String openssl = PeerTools.require("openssl").toString();
        assertTimeoutPreemptively(TIMEOUT, () -> {
            int port = freePort();
            Process server = startServer(openssl, port, TestCertificates.selfSigned(TestCertificate.KeyType.EC),
                    "-tls1_3");
            TlsBuffers buffers = TlsBuffers.forContext(context(CLIENT), 4);
            try (SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port))) {
                TlsTransport transport = clientTransport(channel, port, buffers);
                assertThrows(SSLHandshakeException.class, transport::handshake);
                assertEquals(2, transport.socketOutput.writeCalls());
                transport.releaseBuffers(); // the reading side's, as a connection that closes gives them back
            } finally {
                PeerTools.stop(server);
            }
            assertEquals(0, buffers.inUse());
        });
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    /** {@code openssl s_server -www} presenting this certificate, trusting the test CA's clients. */
    private Process startServer(String openssl, int port, TestCertificate identity, String... options)
            throws Exception {
        List<String> command = new ArrayList<>(List.of(openssl, "s_server", "-accept", "127.0.0.1:" + port,
                "-cert", write("server.pem", identity.chainPem()), "-key", write("key.pem",
                identity.keys().pkcs8Pem()), "-CAfile", write("ca.pem", CA.certificatePem()), "-www", "-quiet"));
        command.addAll(List.of(options));
        return PeerTools.startListening(command, port, directory.resolve("s_server.log"));
    }

    /** A client transport over the channel, presenting the client certificate, checking the server's name. */
    private static TlsTransport clientTransport(SocketChannel channel, int port, TlsBuffers buffers)
            throws Exception {
        SSLEngine engine = context(CLIENT).createSSLEngine("localhost", port);
        engine.setUseClientMode(true);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        engine.setSSLParameters(parameters);
        return TlsTransport.of(channel, engine, buffers, TimeUnit.SECONDS.toNanos(10));
    }

    /** A context that presents this certificate and trusts the test CA. */
    private static SSLContext context(TestCertificate identity) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("identity", identity.keyPair().getPrivate(), PASSWORD,
                identity.chain().toArray(X509Certificate[]::new));
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, PASSWORD);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), TestCertificates.trustManagers(CA), null);
        return context;
    }

    private String write(String name, String pem) throws Exception {
        return Files.writeString(directory.resolve(name), pem).toString();
    }
}
