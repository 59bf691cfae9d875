package dev.wisp.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * TLS inside TLS over loopback ({@link StreamSocket#insideTls}): an outer TLS connection, and a second TLS session
 * whose records travel as the outer one's plaintext, as a client's through an HTTPS proxy's tunnel. The server
 * side nests the same way, so each side's inner engine sees only the other's inner records.
 */
class TlsInsideTlsIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final long WRITE_TIMEOUT = TimeUnit.SECONDS.toNanos(10);

    private ServerSocketChannel listener;
    private SSLContext serverContext;
    private SSLContext clientContext;
    private TlsBuffers buffers;

    @BeforeEach
    void listen() throws Exception {
        serverContext = TestTls.serverContext();
        clientContext = TestTls.clientContext();
        buffers = TlsBuffers.forContext(serverContext, 16);
        listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
    }

    @AfterEach
    void close() throws IOException {
        listener.close();
    }

    /** Both layers' handshakes, the client's side when {@code client}, on a connected channel. */
    private TlsTransport nested(SocketChannel channel, boolean client) throws IOException {
        TlsTransport outer = TlsTransport.of(channel, engine(client), buffers, WRITE_TIMEOUT);
        outer.handshake();
        TlsTransport inner = TlsTransport.of(StreamSocket.insideTls(outer), engine(client), buffers, WRITE_TIMEOUT);
        inner.handshake();
        return inner;
    }

    private SSLEngine engine(boolean client) {
        SSLEngine engine = client ? clientContext.createSSLEngine("localhost", 443) : serverContext.createSSLEngine();
        engine.setUseClientMode(client);
        return engine;
    }

    private CompletableFuture<TlsTransport> acceptNested() {
        CompletableFuture<TlsTransport> accepted = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                accepted.complete(nested(listener.accept(), false));
            } catch (IOException | RuntimeException e) {
                accepted.completeExceptionally(e);
            }
        });
        return accepted;
    }

    private SocketChannel connect() throws IOException {
        return SocketChannel.open(listener.getLocalAddress());
    }

    @Test
    void carriesAMegabyteEachWayThroughBothLayers() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            byte[] sent = new byte[1 << 20];
            new Random(7).nextBytes(sent);
            CompletableFuture<TlsTransport> server = acceptNested();
            try (TlsTransport client = nested(connect(), true); TlsTransport peer = server.get()) {
                Thread.ofVirtual().start(() -> {
                    try {
                        peer.output().write(peer.input().readNBytes(sent.length));
                        peer.output().flush();
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                });
                client.output().write(sent);
                assertArrayEquals(sent, client.input().readNBytes(sent.length));
                assertEquals("TLSv1.3", client.tlsSession().orElseThrow().getProtocol());
            }
        });
    }

    @Test
    void readsWhatHasArrivedWithoutBlockingAndWaitsNoLongerThanAsked() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            CountDownLatch timed = new CountDownLatch(1);
            CompletableFuture<Void> server = CompletableFuture.runAsync(() -> {
                try (SocketChannel channel = listener.accept()) {
                    TlsTransport outer = TlsTransport.of(channel, engine(false), buffers, WRITE_TIMEOUT);
                    outer.handshake();
                    timed.await();
                    outer.output().write("hello".getBytes(StandardCharsets.US_ASCII));
                    outer.shutdownOutput();
                    outer.input().read(); // until the client closes
                } catch (IOException | InterruptedException e) {
                    throw new RuntimeException(e);
                }
            }, runnable -> Thread.ofVirtual().start(runnable));
            try (SocketChannel channel = connect()) {
                TlsTransport outer = TlsTransport.of(channel, engine(true), buffers, WRITE_TIMEOUT);
                outer.handshake();
                StreamSocket socket = StreamSocket.insideTls(outer);
                ByteBuffer into = ByteBuffer.allocate(64);
                assertEquals(0, socket.readNow(into));
                long start = System.nanoTime();
                assertEquals(0, socket.readWithin(into, TimeUnit.MILLISECONDS.toNanos(150)));
                long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertTrue(waited >= 140 && waited < 5_000, "waited " + waited + " ms");
                timed.countDown();
                assertEquals(5, socket.readWithin(into, TimeUnit.SECONDS.toNanos(10)));
                assertEquals("hello", new String(into.array(), 0, 5, StandardCharsets.US_ASCII));
                // The server's close_notify and end of stream read as the end, without blocking further.
                assertEquals(-1, socket.readWithin(into.clear(), TimeUnit.SECONDS.toNanos(10)));
                socket.close();
            }
            server.get(10, TimeUnit.SECONDS);
        });
    }

    @Test
    void endsABlockedInnerReadWhenTheInputIsShut() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            CompletableFuture<TlsTransport> server = acceptNested();
            try (TlsTransport client = nested(connect(), true); TlsTransport peer = server.get()) {
                CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
                    try {
                        return client.input().read();
                    } catch (IOException e) {
                        return -2;
                    }
                }, runnable -> Thread.ofVirtual().start(runnable));
                // Whether the read is blocked yet or starts after this, the shut input ends it.
                client.shutdownInput();
                assertTrue(read.get(10, TimeUnit.SECONDS) < 0);
                assertTrue(peer.isOpen());
            }
        });
    }
}
