package dev.wisp.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.testing.PeerTools;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLProtocolException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TlsTransportIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private ServerSocketChannel listener;
    private TlsBuffers buffers;
    private SSLContext serverContext;

    /** What the server side of a test does with its transport. */
    interface ServerSide {
        Object serve(TlsTransport transport) throws Exception;
    }

    @BeforeEach
    void listen() throws Exception {
        serverContext = TestTls.serverContext();
        buffers = TlsBuffers.forContext(serverContext, 16);
        listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
    }

    @AfterEach
    void close() throws Exception {
        listener.close();
    }

    private int port() throws Exception {
        return ((InetSocketAddress) listener.getLocalAddress()).getPort();
    }

    /** Accepts one connection on a virtual thread and runs the server side on it, over a TLS transport. */
    private CompletableFuture<Object> serveOne(ServerSide side, String... alpn) {
        CompletableFuture<Object> result = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (SocketChannel channel = listener.accept()) {
                SSLEngine engine = serverContext.createSSLEngine();
                engine.setUseClientMode(false);
                SSLParameters parameters = engine.getSSLParameters();
                parameters.setApplicationProtocols(alpn);
                engine.setSSLParameters(parameters);
                TlsTransport transport = TlsTransport.of(channel, engine, buffers, TimeUnit.SECONDS.toNanos(10));
                result.complete(side.serve(transport));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    private SSLSocket connect(String protocol, String... alpn) throws Exception {
        SSLSocket socket = (SSLSocket) TestTls.clientContext().getSocketFactory()
                .createSocket("127.0.0.1", port());
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setProtocols(new String[] {protocol});
        parameters.setApplicationProtocols(alpn);
        socket.setSSLParameters(parameters);
        return socket;
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void carriesAMebibyteEachWayUnchanged(String protocol) {
        byte[] payload = new byte[1024 * 1024];
        new Random(protocol.hashCode()).nextBytes(payload);
        assertTimeoutPreemptively(TIMEOUT, () -> {
            CompletableFuture<Object> server = serveOne(transport -> {
                transport.handshake();
                byte[] received = transport.input().readNBytes(payload.length);
                transport.output().write(received);
                return transport.tlsSession().orElseThrow().getProtocol();
            });
            try (SSLSocket socket = connect(protocol)) {
                Thread.ofVirtual().start(() -> {
                    try {
                        socket.getOutputStream().write(payload);
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                assertArrayEquals(payload, socket.getInputStream().readNBytes(payload.length));
            }
            assertEquals(protocol, server.get());
            assertEquals(0, buffers.inUse());
        });
    }

    @Test
    void waitsIdleWithoutHoldingARecordBuffer() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            CompletableFuture<Thread> idleReader = new CompletableFuture<>();
            CompletableFuture<Object> server = serveOne(transport -> {
                transport.handshake();
                InputStream in = transport.input();
                byte[] request = new byte[5];
                in.readNBytes(request, 0, 5);
                transport.output().write(request);
                idleReader.complete(Thread.currentThread());
                return in.read();
            });
            try (SSLSocket socket = connect("TLSv1.3")) {
                socket.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
                assertEquals("hello", new String(socket.getInputStream().readNBytes(5), StandardCharsets.US_ASCII));
                Thread reader = idleReader.get();
                // A virtual thread parks only in its blocking read: then it is waiting idle.
                while (reader.getState() != Thread.State.WAITING) {
                    Thread.onSpinWait();
                }
                assertEquals(0, buffers.inUse());
                socket.getOutputStream().write('x');
                assertEquals((int) 'x', server.get());
            }
        });
    }

    @Test
    void reportsTheProtocolAlpnSelected() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            CompletableFuture<Object> server = serveOne(transport -> {
                transport.handshake();
                return transport.applicationProtocol().orElse("none");
            }, "h2", "http/1.1");
            try (SSLSocket socket = connect("TLSv1.3", "http/1.1")) {
                socket.startHandshake();
                assertEquals("http/1.1", server.get());
            }
        });
    }

    @Test
    void failsTheHandshakeOnTheClientsAlertWithoutHanging() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            CompletableFuture<Object> server = serveOne(transport -> {
                transport.handshake();
                return "handshake completed";
            });
            // The JDK's default trust store does not know the test certificate: the client refuses it.
            try (SSLSocket socket = (SSLSocket) SSLContext.getDefault().getSocketFactory()
                    .createSocket("127.0.0.1", port())) {
                assertThrows(SSLException.class, socket::startHandshake);
            }
            ExecutionException failure = assertThrows(ExecutionException.class, server::get);
            assertInstanceOf(SSLHandshakeException.class, failure.getCause());
        });
    }

    @Test
    void endsAStalledHandshakeAtTheReadDeadline() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            CompletableFuture<TlsTransport> started = new CompletableFuture<>();
            CompletableFuture<Object> server = serveOne(transport -> {
                transport.readDeadline(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100));
                started.complete(transport);
                transport.handshake();
                return "handshake completed";
            });
            try (Socket silent = new Socket("127.0.0.1", port())) {
                TlsTransport transport = started.get();
                TimeoutSweeper sweeper = new TimeoutSweeper(now -> {
                    long deadline = transport.readDeadlineNanos();
                    if (deadline != 0 && now - deadline > 0) {
                        try {
                            transport.shutdownInput();
                        } catch (Exception e) {
                            throw new RuntimeException(e);
                        }
                    }
                }, Duration.ofMillis(100)).start("test-sweeper");
                try {
                    ExecutionException failure = assertThrows(ExecutionException.class, server::get);
                    assertInstanceOf(EOFException.class, failure.getCause());
                } finally {
                    sweeper.close();
                }
            }
        });
    }

    @Test
    void shutsOutputWithCloseNotifyAfterWhatWasWritten() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            CompletableFuture<Object> server = serveOne(transport -> {
                transport.handshake();
                transport.output().write("bye".getBytes(StandardCharsets.US_ASCII));
                transport.shutdownOutput();
                return transport.input().read();
            });
            try (SSLSocket socket = connect("TLSv1.3")) {
                InputStream in = socket.getInputStream();
                assertEquals("bye", new String(in.readAllBytes(), StandardCharsets.US_ASCII));
                socket.getOutputStream().write('!');
                assertEquals((int) '!', server.get());
            }
        });
    }

    /** Echoes one byte, then reads the next one: what the renegotiation tests run on the server side. */
    private CompletableFuture<Object> echoOneThenRead() {
        return serveOne(transport -> {
            transport.handshake();
            InputStream in = transport.input();
            transport.output().write(in.read());
            transport.output().flush();
            return in.read();
        });
    }

    @Test
    void endsTheConnectionWhenATls12ClientStartsARenegotiation() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            CompletableFuture<Object> server = echoOneThenRead();
            try (SSLSocket socket = connect("TLSv1.2")) {
                socket.getOutputStream().write('a');
                assertEquals('a', socket.getInputStream().read());
                assertThrows(IOException.class, () -> {
                    socket.startHandshake();
                    socket.getOutputStream().write('b');
                    socket.getInputStream().read();
                });
            }
            ExecutionException failure = assertThrows(ExecutionException.class, server::get);
            assertInstanceOf(SSLProtocolException.class, failure.getCause());
            assertEquals("TLS 1.2 renegotiation refused: the peer started a new handshake on an established "
                    + "connection", failure.getCause().getMessage());
            assertEquals(0, buffers.inUse());
        });
    }

    @Test
    void refusesARenegotiationThatAnIdlePollFinds() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            CompletableFuture<Object> server = serveOne(transport -> {
                transport.handshake();
                while (transport.pollInput() == IdleInput.EMPTY) {
                    Thread.sleep(5); // an idle keep-alive connection's poll; bounded by the test's timeout
                }
                return "the renegotiation was let through";
            });
            try (SSLSocket socket = connect("TLSv1.2")) {
                socket.startHandshake();
                assertThrows(IOException.class, () -> {
                    socket.startHandshake(); // a new handshake on the established connection
                    socket.getOutputStream().write('b');
                    socket.getInputStream().read();
                });
            }
            ExecutionException failure = assertThrows(ExecutionException.class, server::get);
            assertInstanceOf(SSLProtocolException.class, failure.getCause());
            assertEquals(0, buffers.inUse());
        });
    }

    @Test
    void refusesOpensslsRenegotiationBeforeTheEngineAnswers() {
        assertOpensslRenegotiationFails(transport -> transport.input().read());
    }

    @Test
    void refusesOpensslsRenegotiationBeforeTheEngineAnswersWhenAnIdlePollFindsIt() {
        assertOpensslRenegotiationFails(transport -> {
            while (transport.pollInput() == IdleInput.EMPTY) {
                Thread.sleep(5); // an idle keep-alive connection's poll; bounded by the test's timeout
            }
            return "the renegotiation was let through";
        });
    }

    /** Has openssl s_client renegotiate a TLS 1.2 connection while the server side does {@code awaitInput}. */
    private void assertOpensslRenegotiationFails(ServerSide awaitInput) {
        String openssl = PeerTools.require("openssl").toString();
        assertTimeoutPreemptively(TIMEOUT, () -> {
            CompletableFuture<Object> server = serveOne(transport -> {
                transport.handshake();
                try {
                    return awaitInput.serve(transport);
                } finally {
                    transport.shutdownOutput(); // as a connection closing on the failure does
                }
            });
            // Its input stays open, so s_client ends only on what the server does: 1 after a close without
            // close_notify (or a fatal alert), 0 after a clean close (which testssl rates as a renegotiation
            // accepted).
            Process process = new ProcessBuilder(List.of(openssl, "s_client", "-connect", "127.0.0.1:" + port(),
                    "-tls1_2", "-msg", "-CAfile", TestTls.directory().resolve("cert.pem").toString()))
                    .redirectErrorStream(true).start();
            try {
                process.getOutputStream().write("R\n".getBytes(StandardCharsets.US_ASCII));
                process.getOutputStream().flush();
                String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                assertTrue(process.waitFor(20, TimeUnit.SECONDS));
                assertTrue(text.contains("RENEGOTIATING"), text);
                assertEquals(1, process.exitValue(), text);
                // Refused before the engine answers: no server flight, whose signature is the cost a
                // renegotiation would make the server pay.
                String afterRenegotiating = text.substring(text.indexOf("RENEGOTIATING"));
                assertFalse(afterRenegotiating.contains("ServerHello"), afterRenegotiating);
            } finally {
                process.destroyForcibly();
            }
            ExecutionException failure = assertThrows(ExecutionException.class, server::get);
            assertInstanceOf(SSLProtocolException.class, failure.getCause());
            assertEquals(0, buffers.inUse());
        });
    }

    @Test
    void keepsTheConnectionWhenATls13ClientUpdatesItsKeys() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            CompletableFuture<Object> server = echoOneThenRead();
            try (SSLSocket socket = connect("TLSv1.3")) {
                socket.getOutputStream().write('a');
                assertEquals('a', socket.getInputStream().read());
                socket.startHandshake(); // on an established TLS 1.3 connection: a KeyUpdate
                socket.getOutputStream().write('b');
                assertEquals((int) 'b', server.get());
            }
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"-tls1_3", "-tls1_2"})
    void servesOpensslClient(String version) {
        String openssl = PeerTools.require("openssl").toString();
        assertTimeoutPreemptively(TIMEOUT, () -> {
            CompletableFuture<Object> server = serveOne(transport -> {
                transport.handshake();
                OutputStream out = transport.output();
                out.write(("protocol " + transport.tlsSession().orElseThrow().getProtocol() + "\n")
                        .getBytes(StandardCharsets.US_ASCII));
                transport.shutdownOutput();
                return "done";
            });
            Process process = new ProcessBuilder(List.of(openssl, "s_client", "-connect", "127.0.0.1:" + port(),
                    "-servername", "localhost", version, "-CAfile",
                    TestTls.directory().resolve("cert.pem").toString(), "-verify_return_error", "-quiet"))
                    .redirectErrorStream(true).start();
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            process.getInputStream().transferTo(output);
            assertTrue(process.waitFor(20, TimeUnit.SECONDS));
            String text = output.toString(StandardCharsets.US_ASCII);
            assertEquals("done", server.get());
            String expected = version.equals("-tls1_3") ? "TLSv1.3" : "TLSv1.2";
            assertTrue(text.contains("protocol " + expected), text);
            assertEquals(0, process.exitValue(), text);
        });
    }
}
