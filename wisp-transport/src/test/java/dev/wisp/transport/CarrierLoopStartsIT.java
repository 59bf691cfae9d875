package dev.wisp.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A loop whose virtual threads cannot start for a while, as when the heap is full: the task of a wait without a
 * thread that readiness or its end took up is kept by the loop and started once threads start again, on the loop.
 */
class CarrierLoopStartsIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int FAILED_STARTS = 3;

    /** How many of the next threads' making fails, as a full heap fails it. */
    private final AtomicInteger failing = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private CarrierLoop loop;
    private ServerSocketChannel listener;
    private SocketChannel peer;
    private LoopSocket socket;

    @BeforeEach
    void start() throws IOException {
        assertTrue(CarrierLoops.available(), "java.lang is opened to the tests: " + CarrierLoops.howToEnable());
        loop = new CarrierLoop("starts-loop", scheduler -> {
            if (failing.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
                failed.incrementAndGet();
                throw new OutOfMemoryError("no room for a thread, in this test");
            }
            return CarrierLoops.builder(scheduler).name("starts-conn");
        });
        loop.start();
        listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        peer = SocketChannel.open(listener.getLocalAddress());
        socket = new LoopSocket(listener.accept(), loop);
    }

    @AfterEach
    void stop() throws IOException {
        socket.close();
        peer.close();
        listener.close();
        loop.close();
    }

    @Test
    void aWaitsTaskWhoseThreadCannotStartWhenBytesComeStartsOnTheLoopOnceThreadsStartAgain() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            CompletableFuture<String> resumed = new CompletableFuture<>();
            assertTrue(socket.watch(() -> resumed.complete(Thread.currentThread().toString())));
            failing.set(FAILED_STARTS);
            peer.write(ByteBuffer.wrap(new byte[] {1}));
            String thread = resumed.get();
            assertTrue(thread.contains("@starts-loop"), thread);
            assertEquals(FAILED_STARTS, failed.get(), "the start was tried again after each failure");
            assertFalse(socket.isWatched());
        });
    }

    @Test
    void aWaitsTaskWhoseThreadCannotStartWhenAnotherThreadEndsTheWaitStartsOnceThreadsStartAgain() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            CompletableFuture<Boolean> ended = new CompletableFuture<>();
            assertTrue(socket.watch(() -> ended.complete(socket.isOpen())));
            failing.set(FAILED_STARTS);
            socket.endWatch(); // on this thread, which is not the loop's: the sleeping loop must take the task up
            assertTrue(ended.get(), "ended by endWatch, the socket still open");
            assertEquals(FAILED_STARTS, failed.get());
        });
    }
}
