package dev.wisp.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Another thread writes to a connection whose wait the {@link InputWatcher} holds, as an HTTP/2 handler or a
 * WebSocket sender does while the reading side waits without a thread: the write waits for a slow peer without
 * spinning on the channel the watcher made non-blocking, and a write blocked on a peer that does not read holds up
 * no other connection's wait.
 */
class WatchWhileWritingIT {
    private static final Duration LIMIT = Duration.ofSeconds(20);
    /** Far more than loopback's socket buffers hold, so the write waits until the peer reads. */
    private static final int BLOCKING_WRITE_BYTES = 64 << 20;
    /** How long a task may take to run once its input arrived. */
    private static final long PROMPT_MILLIS = 2_000;

    private InputWatcher watcher;

    @BeforeEach
    void startWatcher() throws IOException {
        watcher = InputWatcher.start("test-watcher", Thread.ofVirtual().factory());
    }

    @AfterEach
    void closeWatcher() {
        watcher.close();
    }

    @Test
    void aWriteToAWatchedConnectionWaitsForItsPeerWithoutSpinning() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (PlainLoopback loopback = PlainLoopback.open()) {
                CountDownLatch ran = new CountDownLatch(1);
                assertTrue(watcher.watch(loopback.transport, ran::countDown));
                CompletableFuture<Throwable> writeEnded = startWrite(loopback.transport);
                awaitStalled(loopback.transport);

                long calls = loopback.transport.socketOutput.writeCalls();
                Thread.sleep(300);
                long more = loopback.transport.socketOutput.writeCalls() - calls;
                assertTrue(more < 10, "the write tried the full socket " + more + " times in 300 ms");
                assertFalse(writeEnded.isDone(), "the write waits for the peer");

                readWhole(loopback);
                assertNull(writeEnded.get(10, TimeUnit.SECONDS), "the write went out once the peer read");
                assertFalse(ran.await(100, TimeUnit.MILLISECONDS), "the watch still waits for input");
            }
        });
    }

    @Test
    void aWriteBlockedOnAPeerThatDoesNotReadHoldsUpNoOtherWatch() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (PlainLoopback stalled = PlainLoopback.open(); PlainLoopback other = PlainLoopback.open()) {
                CompletableFuture<Throwable> writeEnded = startWrite(stalled.transport);
                awaitStalled(stalled.transport);
                Thread.ofVirtual().start(() -> watcher.watch(stalled.transport, () -> { }));

                CountDownLatch ran = new CountDownLatch(1);
                assertTrue(watcher.watch(other.transport, ran::countDown));
                other.peer.write(ByteBuffer.wrap(new byte[] {'x'}));
                assertTrue(ran.await(PROMPT_MILLIS, TimeUnit.MILLISECONDS), "the other connection's task ran");
                assertFalse(writeEnded.isDone(), "the write was still blocked");
            }
        });
    }

    @Test
    void aWatchBesideABlockedWriteWaitsForInputNotForTheWrite() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (PlainLoopback stalled = PlainLoopback.open()) {
                CompletableFuture<Throwable> writeEnded = startWrite(stalled.transport);
                awaitStalled(stalled.transport);

                CompletableFuture<Boolean> watched = startWatch(stalled.transport, () -> { });
                stalled.peer.write(ByteBuffer.wrap(new byte[] {'x'}));
                assertFalse(watched.get(PROMPT_MILLIS, TimeUnit.MILLISECONDS),
                        "the watch left the input that arrived to its caller, rather than wait for the write");
                assertEquals('x', stalled.transport.input().read(), "the caller's own read took the byte");
                assertFalse(writeEnded.isDone(), "the write was still blocked");
            }
        });
    }

    @Test
    void aWatchBesideAWriteHandsTheWaitOverOnceTheWriteEnds() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (PlainLoopback loopback = PlainLoopback.open()) {
                CompletableFuture<Throwable> writeEnded = startWrite(loopback.transport);
                awaitStalled(loopback.transport);
                CountDownLatch ran = new CountDownLatch(1);
                CompletableFuture<Boolean> watched = startWatch(loopback.transport, ran::countDown);

                readWhole(loopback);
                assertNull(writeEnded.get(10, TimeUnit.SECONDS), "the write went out once the peer read");
                assertTrue(watched.get(10, TimeUnit.SECONDS), "the watcher took the wait once the write ended");
                loopback.peer.write(ByteBuffer.wrap(new byte[] {'x'}));
                assertTrue(ran.await(PROMPT_MILLIS, TimeUnit.MILLISECONDS), "the task ran when input arrived");
            }
        });
    }

    /** Hands the transport's wait to the watcher on a thread of its own, as a connection's thread does. */
    private CompletableFuture<Boolean> startWatch(Transport transport, Runnable task) {
        CompletableFuture<Boolean> watched = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> watched.complete(watcher.watch(transport, task)));
        return watched;
    }

    /** Reads, as the peer, all that the write sends. */
    private static void readWhole(PlainLoopback loopback) throws IOException {
        ByteBuffer sink = ByteBuffer.allocate(1 << 20);
        for (long read = 0; read < BLOCKING_WRITE_BYTES; sink.clear()) {
            read += loopback.peer.read(sink);
        }
    }

    /** Starts a write far larger than the socket's buffers, on a thread of its own. */
    private static CompletableFuture<Throwable> startWrite(Transport transport) {
        CompletableFuture<Throwable> writeEnded = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                transport.output().write(new byte[BLOCKING_WRITE_BYTES]);
                writeEnded.complete(null);
            } catch (IOException | RuntimeException e) {
                writeEnded.complete(e);
            }
        });
        return writeEnded;
    }

    /** Waits until the write has filled the socket's buffers: its bytes stop going out. */
    private static void awaitStalled(Transport transport) throws InterruptedException {
        long written = 0;
        while (written == 0 || written != transport.socketOutput.written()) {
            written = transport.socketOutput.written();
            Thread.sleep(100);
        }
    }
}
