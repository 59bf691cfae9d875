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
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A reader that polls while a write is blocked on a peer that does not read, as a WebSocket session polls for a
 * close frame while a large message goes out: the poll answers at once, and takes what arrived, instead of waiting
 * for the write to end (the JDK's switch of a channel's blocking mode waits for its write lock); and it sees the
 * peer's end of the stream, which a task of the input watcher must not take for nothing.
 */
class PollWhileWritingIT {
    private static final Duration LIMIT = Duration.ofSeconds(20);
    /** Far more than loopback's socket buffers hold, so the write blocks until the peer reads. */
    private static final int BLOCKING_WRITE_BYTES = 64 << 20;
    private static final long POLL_BOUND_MILLIS = 2_000;
    private static final long WRITE_TIMEOUT = TimeUnit.SECONDS.toNanos(30);

    /** The transport under test and its peer, which never reads, with the peer's channel under it. */
    private record Pair(Transport transport, Transport peer, SocketChannel peerChannel) implements AutoCloseable {
        static Pair open(boolean tls) throws Exception {
            try (ServerSocketChannel listener = ServerSocketChannel.open()
                    .bind(new InetSocketAddress("127.0.0.1", 0))) {
                SocketChannel peerChannel = SocketChannel.open(listener.getLocalAddress());
                SocketChannel channel = listener.accept();
                if (!tls) {
                    return new Pair(PlainTransport.of(channel, WRITE_TIMEOUT), PlainTransport.of(peerChannel,
                            WRITE_TIMEOUT), peerChannel);
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
                return new Pair(transport, peer, peerChannel);
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
                CompletableFuture<Throwable> writeEnded = startBlockedWrite(loopback.transport, virtualWriter);

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

    @ParameterizedTest
    @CsvSource({"false", "true"})
    void aPollSeesThePeersEndWhileAWriteIsBlocked(boolean tls) {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Pair loopback = Pair.open(tls)) {
                CompletableFuture<Throwable> writeEnded = startBlockedWrite(loopback.transport, true);
                loopback.peerChannel.shutdownOutput(); // the end of the stream; under TLS without a close_notify

                long start = System.nanoTime();
                IdleInput seen;
                while ((seen = loopback.transport.pollInput()) == IdleInput.EMPTY) {
                    assertPromptSince(start);
                    Thread.sleep(1);
                }
                assertEquals(IdleInput.ENDED, seen);
                assertTrue(!writeEnded.isDone(), "the write was still blocked");
            }
        });
    }

    /**
     * A task of the input watcher that polls and, finding nothing, watches again, as a resumed connection does (an
     * HTTP/2 connection's reading thread while a handler writes to a peer that does not read): the peer's end wakes
     * the watch, and the task's poll must see the end. Taken for nothing, it had the task watch again, which the
     * ended input woke at once, again and again for as long as the write lasted.
     */
    @ParameterizedTest
    @CsvSource({"false", "true"})
    void aTaskWokenByThePeersEndSeesItWhileAWriteIsBlocked(boolean tls) {
        assertTimeoutPreemptively(LIMIT, () -> {
            InputWatcher watcher = InputWatcher.start("test-watcher", Thread.ofVirtual().factory());
            try (Pair loopback = Pair.open(tls)) {
                PollThenWatch task = new PollThenWatch(watcher, loopback.transport);
                assertTrue(watcher.watch(loopback.transport, task));
                CompletableFuture<Throwable> writeEnded = startBlockedWrite(loopback.transport, true);
                loopback.peerChannel.shutdownOutput(); // the end of the stream; under TLS without a close_notify

                IdleInput seen = task.seen.completeOnTimeout(IdleInput.EMPTY, POLL_BOUND_MILLIS,
                        TimeUnit.MILLISECONDS).get();
                assertEquals(IdleInput.ENDED, seen, () -> "the task ran " + task.runs.get() + " times");
                assertEquals(1, task.runs.get(), "the task ran once");
                assertTrue(!writeEnded.isDone(), "the write was still blocked");
            } finally {
                watcher.close();
            }
        });
    }

    /** Polls the transport; watches it again if nothing arrived, else reports what did. */
    private static final class PollThenWatch implements Runnable {
        private final InputWatcher watcher;
        private final Transport transport;
        final AtomicInteger runs = new AtomicInteger();
        final CompletableFuture<IdleInput> seen = new CompletableFuture<>();

        PollThenWatch(InputWatcher watcher, Transport transport) {
            this.watcher = watcher;
            this.transport = transport;
        }

        @Override
        public void run() {
            runs.incrementAndGet();
            try {
                IdleInput arrived = transport.pollInput();
                if (arrived == IdleInput.EMPTY && watcher.watch(transport, this)) {
                    return;
                }
                seen.complete(arrived);
            } catch (IOException e) {
                seen.completeExceptionally(e);
            }
        }
    }

    /** Starts a write far larger than the socket's buffers, which the peer never reads, and waits until it blocks. */
    private static CompletableFuture<Throwable> startBlockedWrite(Transport transport, boolean virtualWriter)
            throws InterruptedException {
        long before = transport.socketOutput.written(); // under TLS, the handshake's
        CompletableFuture<Throwable> writeEnded = new CompletableFuture<>();
        (virtualWriter ? Thread.ofVirtual() : Thread.ofPlatform().daemon()).start(() -> {
            try {
                transport.output().write(new byte[BLOCKING_WRITE_BYTES]);
                writeEnded.complete(null);
            } catch (IOException | RuntimeException e) {
                writeEnded.complete(e);
            }
        });
        awaitBlocked(transport, before, writeEnded);
        return writeEnded;
    }

    private static void assertPromptSince(long start) {
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(millis < POLL_BOUND_MILLIS, "the poll took " + millis + " ms");
    }

    /**
     * Waits until the writer has filled the socket's buffers: its bytes stop going out. Its thread's state does not
     * tell: a platform thread sits in the kernel, and one that writes to a watched channel, which the watcher made
     * non-blocking, tries again and again.
     */
    private static void awaitBlocked(Transport transport, long before, CompletableFuture<Throwable> writeEnded)
            throws InterruptedException {
        long written = before;
        while (written == before || written != transport.socketOutput.written()) {
            written = transport.socketOutput.written();
            Thread.sleep(100);
        }
        assertTrue(!writeEnded.isDone(), "the write blocks: " + writeEnded.getNow(null));
    }
}
