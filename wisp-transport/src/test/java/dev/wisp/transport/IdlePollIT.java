package dev.wisp.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Transport#pollInput()} on a connection nobody reads: it tells data, nothing and a close apart without
 * blocking and without losing a byte; under TLS it consumes session tickets (the next connection resumes with
 * them), notices close_notify, and holds no record buffer when nothing is left. {@link Transport#discardArrived}
 * drops what has arrived the same way, for a lingering close.
 */
class IdlePollIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final long WRITE_TIMEOUT = TimeUnit.SECONDS.toNanos(10);

    private ServerSocketChannel listener;
    private SSLContext serverContext;
    private SSLContext clientContext;
    private TlsBuffers serverBuffers;
    private TlsBuffers clientBuffers;

    /** What the server side does once connected. */
    interface ServerSide {
        void serve(Transport transport) throws Exception;
    }

    @BeforeEach
    void listen() throws Exception {
        serverContext = TestTls.serverContext();
        clientContext = TestTls.clientContext();
        serverBuffers = TlsBuffers.forContext(serverContext, 4);
        clientBuffers = TlsBuffers.forContext(clientContext, 4);
        listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
    }

    @AfterEach
    void close() throws Exception {
        listener.close();
    }

    private int port() throws Exception {
        return ((InetSocketAddress) listener.getLocalAddress()).getPort();
    }

    private CompletableFuture<Void> serveOne(boolean tls, ServerSide side) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (SocketChannel channel = listener.accept()) {
                Transport transport;
                if (tls) {
                    SSLEngine engine = serverContext.createSSLEngine();
                    engine.setUseClientMode(false);
                    transport = TlsTransport.of(channel, engine, serverBuffers, WRITE_TIMEOUT);
                    transport.handshake();
                } else {
                    transport = PlainTransport.of(channel, WRITE_TIMEOUT);
                }
                side.serve(transport);
                done.complete(null);
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        });
        return done;
    }

    private TlsTransport connectTls(String protocol) throws Exception {
        SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port()));
        SSLEngine engine = clientContext.createSSLEngine("localhost", port());
        engine.setUseClientMode(true);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setProtocols(new String[] {protocol});
        engine.setSSLParameters(parameters);
        TlsTransport transport = TlsTransport.of(channel, engine, clientBuffers, WRITE_TIMEOUT);
        transport.handshake();
        return transport;
    }

    /** Polls until the state is not EMPTY; bounded to 10 s, since the peer's bytes cross a loaded machine. */
    private static IdleInput awaitNotEmpty(Transport transport) throws Exception {
        for (int i = 0; i < 1000; i++) {
            IdleInput state = transport.pollInput();
            if (state != IdleInput.EMPTY) {
                return state;
            }
            Thread.sleep(10); // polling is the behaviour under test; bounded
        }
        return IdleInput.EMPTY;
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void consumesTicketsKeepsDataAndNoticesCloseNotify(String protocol) {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            CountDownLatch closeNow = new CountDownLatch(1);
            CompletableFuture<Void> server = serveOne(true, transport -> {
                transport.output().write('x');
                closeNow.await();
                transport.shutdownOutput();
                transport.input().read();
            });
            try (TlsTransport client = connectTls(protocol)) {
                // TLS 1.3: the server's session tickets come before the byte, so they are consumed by now.
                assertEquals(IdleInput.DATA, awaitNotEmpty(client));
                assertEquals('x', client.input().read());
                assertEquals(IdleInput.EMPTY, client.pollInput());
                assertEquals(0, clientBuffers.inUse(), "nothing left: no record buffer held");
                closeNow.countDown();
                assertEquals(IdleInput.ENDED, awaitNotEmpty(client));
                assertTrue(client.hasInputEnded());
                assertEquals(-1, client.input().read());
                assertEquals(0, clientBuffers.inUse());
            }
            server.get(10, TimeUnit.SECONDS);

            CompletableFuture<Void> second = serveOne(true, transport -> transport.output().write('z'));
            Instant started = Instant.now();
            try (TlsTransport client = connectTls(protocol)) {
                assertEquals('z', client.input().read());
                assertTrue(client.tlsSession().orElseThrow().getCreationTime() < started.toEpochMilli(),
                        "the session the tickets carried is resumed");
            }
            second.get(10, TimeUnit.SECONDS);
        });
    }

    @Test
    void readsAheadOnePlaintextByteWithoutLosingIt() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            CountDownLatch closeNow = new CountDownLatch(1);
            CompletableFuture<Void> server = serveOne(false, transport -> {
                transport.output().write("yz".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                closeNow.await();
            });
            try (PlainTransport client = PlainTransport.of(
                    SocketChannel.open(new InetSocketAddress("127.0.0.1", port())), WRITE_TIMEOUT)) {
                assertEquals(IdleInput.DATA, awaitNotEmpty(client));
                assertEquals(IdleInput.DATA, client.pollInput(), "the byte read ahead is still there");
                byte[] two = new byte[2];
                assertEquals(2, client.input().readNBytes(two, 0, 2));
                assertEquals("yz", new String(two, java.nio.charset.StandardCharsets.US_ASCII));
                assertEquals(IdleInput.EMPTY, client.pollInput());
                assertFalse(client.hasInputEnded());
                closeNow.countDown();
                assertEquals(IdleInput.ENDED, awaitNotEmpty(client));
                assertTrue(client.hasInputEnded());
            }
            server.get(10, TimeUnit.SECONDS);
        });
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void discardsWhatArrivedWithoutBlockingThenTellsTheEnd(boolean tls) {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            int sent = 100_000; // several TLS records
            CountDownLatch closeNow = new CountDownLatch(1);
            CompletableFuture<Void> server = serveOne(tls, transport -> {
                transport.output().write(new byte[sent]);
                closeNow.await();
                transport.shutdownOutput();
                transport.input().read();
            });
            try (Transport client = tls ? connectTls("TLSv1.3") : PlainTransport.of(
                    SocketChannel.open(new InetSocketAddress("127.0.0.1", port())), WRITE_TIMEOUT)) {
                long dropped = 0;
                for (int i = 0; i < 1000 && dropped < sent; i++) {
                    long n = client.discardArrived(Long.MAX_VALUE);
                    assertTrue(n >= 0, "the input has not ended");
                    dropped += n;
                    Thread.sleep(n == 0 ? 10 : 0); // polling is the behaviour under test; bounded
                }
                assertEquals(sent, dropped);
                assertEquals(0, client.discardArrived(Long.MAX_VALUE), "nothing more: it returns at once");
                assertEquals(0, clientBuffers.inUse(), "no record buffer held");
                closeNow.countDown();
                long last = 0;
                for (int i = 0; i < 1000 && last == 0; i++) {
                    last = client.discardArrived(Long.MAX_VALUE);
                    Thread.sleep(last == 0 ? 10 : 0);
                }
                assertEquals(-1, last, "the end of the stream");
            }
            server.get(10, TimeUnit.SECONDS);
        });
    }
    /**
     * A record whose header arrives in pieces while the connection is idle: the poll reads the first two bytes of the
     * header, and a read of more than a byte that follows must start the record with them. It read the rest of the
     * header as the start of a record ("Unrecognized record version"), and an HTTP/2 connection over TLS, whose
     * reads after an idle poll take more than a byte, failed with an alert when a client's next record came so.
     * Meanwhile the record is bounded by the record timeout, not the idle deadline (a record a byte a second held a
     * server's connection for its idle timeout), and once it is whole the idle deadline is in force again.
     */
    @Test
    void aReadAfterAPollThatTookPartOfARecordsHeaderStartsTheRecordWithItUnderItsOwnDeadline() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            CountDownLatch handshaken = new CountDownLatch(1);
            CountDownLatch polledPart = new CountDownLatch(1);
            CompletableFuture<Void> server = serveOne(true, transport -> {
                long idleDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                transport.readDeadline(idleDeadline);
                ((TlsTransport) transport).recordTimeout(TimeUnit.SECONDS.toNanos(10));
                handshaken.countDown();
                IdleInput state = IdleInput.EMPTY;
                for (int i = 0; i < 1000 && state == IdleInput.EMPTY && !transport.hasBufferedInput(); i++) {
                    state = transport.pollInput();
                    Thread.sleep(10); // polling is the behaviour under test; bounded
                }
                assertEquals(IdleInput.EMPTY, state, "two bytes of a header: nothing yet");
                assertTrue(idleDeadline - transport.readDeadlineNanos() > TimeUnit.SECONDS.toNanos(40),
                        "the record's rest is due within the record timeout");
                polledPart.countDown();
                byte[] hello = new byte[64];
                int n = transport.input().read(hello, 0, hello.length);
                assertEquals("hello", new String(hello, 0, n, java.nio.charset.StandardCharsets.US_ASCII));
                assertEquals(idleDeadline, transport.readDeadlineNanos(), "the idle deadline is back");
            });
            try (java.net.ServerSocket front = new java.net.ServerSocket(0, 1,
                    java.net.InetAddress.getByName("127.0.0.1"))) {
                int frontPort = front.getLocalPort();
                Thread relay = Thread.ofVirtual().start(() -> {
                    try (java.net.Socket client = front.accept();
                            java.net.Socket upstream = new java.net.Socket("127.0.0.1", port())) {
                        Thread.ofVirtual().start(() -> copy(upstream, client));
                        byte[] buffer = new byte[64 * 1024];
                        client.setSoTimeout(20);
                        while (handshaken.getCount() > 0) { // the handshake, as it comes
                            try {
                                int n = client.getInputStream().read(buffer);
                                upstream.getOutputStream().write(buffer, 0, Math.max(n, 0));
                            } catch (java.net.SocketTimeoutException quiet) {
                                // looks at the latch again
                            }
                        }
                        client.setSoTimeout(10_000);
                        int n = client.getInputStream().read(buffer); // the record of "hello"
                        upstream.getOutputStream().write(buffer, 0, 2);
                        polledPart.await();
                        upstream.getOutputStream().write(buffer, 2, n - 2);
                        Thread.sleep(1000); // the server reads before the relay closes
                    } catch (Exception e) {
                        // the test's assertions tell
                    }
                });
                SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", frontPort));
                SSLEngine engine = clientContext.createSSLEngine("localhost", port());
                engine.setUseClientMode(true);
                try (TlsTransport client = TlsTransport.of(channel, engine, clientBuffers, WRITE_TIMEOUT)) {
                    client.handshake();
                    handshaken.await();
                    Thread.sleep(100); // the last of the handshake crosses the relay before its split begins
                    client.output().write("hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    client.output().flush();
                    server.get(10, TimeUnit.SECONDS);
                }
                relay.join();
            }
        });
    }

    private static void copy(java.net.Socket from, java.net.Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
        } catch (java.io.IOException e) {
            // one side closed: the copy is over
        }
    }
}
