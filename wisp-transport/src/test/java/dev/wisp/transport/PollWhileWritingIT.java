package dev.wisp.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A reader that polls while a write is blocked on a peer that does not read, as a WebSocket session polls for a
 * close frame while a large message goes out: the poll answers at once, and takes what arrived, instead of waiting
 * for the write to end (the JDK's switch of a channel's blocking mode waits for its write lock).
 */
class PollWhileWritingIT {
    private static final Duration LIMIT = Duration.ofSeconds(20);
    /** Far more than loopback's socket buffers hold, so the write blocks until the peer reads. */
    private static final int BLOCKING_WRITE_BYTES = 64 << 20;
    private static final long POLL_BOUND_MILLIS = 2_000;
    private static final long WRITE_TIMEOUT = TimeUnit.SECONDS.toNanos(30);

    /** The transport under test and its peer, which never reads. */
    private record Pair(Transport transport, Transport peer) implements AutoCloseable {
        static Pair open(boolean tls) throws Exception {
            try (ServerSocketChannel listener = ServerSocketChannel.open()
                    .bind(new InetSocketAddress("127.0.0.1", 0))) {
                SocketChannel peerChannel = SocketChannel.open(listener.getLocalAddress());
                SocketChannel channel = listener.accept();
                if (!tls) {
                    return new Pair(PlainTransport.of(channel, WRITE_TIMEOUT), PlainTransport.of(peerChannel,
                            WRITE_TIMEOUT));
                }
                SSLContext serverContext = TestTls.serverContext();
                SSLContext clientContext = TestTls.clientContext();
                SSLEngine engine = serverContext.createSSLEngine();
                engine.setUseClientMode(false);
                Transport transport = TlsTransport.of(channel, engine, TlsBuffers.forContext(serverContext, 4),
                        WRITE_TIMEOUT);
                SSLEngine peerEngine = clientContext.createSSLEngine("localhost", 443);
                peerEngine.setUseClientMode(true);
                Transport peer = TlsTransport.of(peerChannel, peerEngine, TlsBuffers.forContext(clientContext, 4),
                        WRITE_TIMEOUT);
                CompletableFuture<Void> handshake = CompletableFuture.runAsync(() -> {
                    try {
                        peer.handshake();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                transport.handshake();
                handshake.get(10, TimeUnit.SECONDS);
                return new Pair(transport, peer);
            }
        }

        @Override
        public void close() throws IOException {
            transport.close();
            peer.close();
        }
    }

    @ParameterizedTest
    @CsvSource({"false, true", "false, false", "true, true"})
    void aPollAnswersAtOnceAndTakesWhatArrivedWhileAWriteIsBlocked(boolean tls, boolean virtualWriter) {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Pair loopback = Pair.open(tls)) {
                CompletableFuture<Throwable> writeEnded = new CompletableFuture<>();
                Thread writer = (virtualWriter ? Thread.ofVirtual() : Thread.ofPlatform().daemon()).start(() -> {
                    try {
                        loopback.transport.output().write(new byte[BLOCKING_WRITE_BYTES]);
                        writeEnded.complete(null);
                    } catch (IOException | RuntimeException e) {
                        writeEnded.complete(e);
                    }
                });
                awaitBlocked(writer, writeEnded);

                long start = System.nanoTime();
                assertEquals(IdleInput.EMPTY, loopback.transport.pollInput(), "nothing has arrived");
                assertPromptSince(start);

                byte[] sent = "ping".getBytes(StandardCharsets.US_ASCII);
                loopback.peer.output().write(sent);
                loopback.peer.output().flush();
                start = System.nanoTime();
                while (loopback.transport.pollInput() == IdleInput.EMPTY) {
                    assertPromptSince(start);
                    Thread.sleep(1);
                }
                byte[] received = loopback.transport.input().readNBytes(sent.length);
                assertArrayEquals(sent, received, "read while the write is still blocked");
                assertTrue(!writeEnded.isDone(), "the write was still blocked");

                loopback.transport.close(); // ends the write
                assertInstanceOf(IOException.class, writeEnded.get(10, TimeUnit.SECONDS));
            }
        });
    }

    private static void assertPromptSince(long start) {
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(millis < POLL_BOUND_MILLIS, "the poll took " + millis + " ms");
    }

    /**
     * Waits until the writer has filled the socket's buffers and waits for the peer: a virtual thread is then
     * parked; a platform thread sits in the kernel, which its state does not show, so it is given the time.
     */
    private static void awaitBlocked(Thread writer, CompletableFuture<Throwable> writeEnded)
            throws InterruptedException {
        Thread.sleep(300);
        while (writer.isVirtual() && writer.getState() != Thread.State.WAITING) {
            Thread.sleep(10);
        }
        assertTrue(!writeEnded.isDone(), "the write blocks: " + writeEnded.getNow(null));
    }
}
