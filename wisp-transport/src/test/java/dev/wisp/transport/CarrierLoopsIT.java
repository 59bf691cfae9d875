package dev.wisp.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Loop sockets over real loopback connections, with a blocking channel as the peer: reads and writes wait for the
 * loop's selection and wake when bytes or room come, on the loop's own thread; the input's shutdown and the
 * socket's close end a wait; a wait without a thread starts its task when input comes or the socket closes. The
 * build runs this module's integration tests with {@code java.lang} opened to it, as carrier loops need.
 */
class CarrierLoopsIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String LOOP = "test-loop";
    private static CarrierLoops loops;
    private ServerSocketChannel listener;
    private SocketChannel peer;
    private LoopSocket socket;

    @BeforeAll
    static void startLoops() throws IOException {
        assertTrue(CarrierLoops.available(), "java.lang is opened to the tests: " + CarrierLoops.howToEnable());
        loops = CarrierLoops.start(1, LOOP, (thread, failure) -> failure.printStackTrace(), "test-conn");
    }

    @AfterAll
    static void stopLoops() {
        loops.close();
    }

    @BeforeEach
    void connect() throws IOException {
        listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        peer = SocketChannel.open(listener.getLocalAddress());
        socket = loops.socket(listener.accept());
    }

    @AfterEach
    void close() throws IOException {
        socket.close();
        peer.close();
        listener.close();
    }

    @Test
    void withoutJavaLangOpenedTheLoopsAreUnavailableAndSaySo() throws Exception {
        ChildJvm.assertPrints("false: carrier loops need the JVM option"
                + " --add-opens java.base/java.lang=ALL-UNNAMED", CarrierLoopsUnavailable.class);
    }

    @Test
    void startingLoopsStartsTheJdksTimersForTheirTimedWaits() throws Exception {
        // On 16 processors the JDK has four such timers, one picked per carrier thread: the loops' start must start
        // each loop's, as no timed wait on a loop could, later, if no thread may be started then.
        ChildJvm.assertPrints("0 started by waits on " + LoopTimers.LOOPS + " loops", LoopTimers.class,
                "-XX:ActiveProcessorCount=16", "--add-opens", "java.base/java.lang=ALL-UNNAMED");
    }

    @Test
    void aReadWaitsForBytesOnTheLoopsOwnThread() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            CompletableFuture<String> read = onLoop(() -> {
                String carrier = Thread.currentThread().toString();
                ByteBuffer buffer = ByteBuffer.allocate(64);
                socket.read(buffer);
                return carrier + " read " + new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
            });
            await(socket::isReadBlocked);
            send("hello");
            String result = read.get();
            assertTrue(result.endsWith(" read hello"), result);
            assertTrue(result.contains("@" + LOOP + "-0"), "runs on the loop's thread: " + result);
        });
    }

    @Test
    void aThreadOnALoopReadsTheTimeTheLoopsTurnBegan() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            CompletableFuture<long[]> clocks = onLoop(() -> {
                socket.read(ByteBuffer.allocate(64)); // parks: the turn that finds the bytes wakes it
                return new long[] {socket.clockNanos(), System.nanoTime()};
            });
            await(socket::isReadBlocked);
            long sentAt = System.nanoTime();
            send("x");
            long[] afterRead = clocks.get();
            assertTrue(afterRead[0] - sentAt > 0, "the clock is that of the turn that found the bytes");
            assertTrue(afterRead[1] - afterRead[0] >= 0, "and not ahead of the time");
        });
    }

    @Test
    void aReadThatTookAllTheKernelHeldStillSeesBytesThatCameBeforeItsNextRead() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            send("one");
            assertEquals("one", onLoop(() -> readString(64)).get());
            send("two"); // before the next read, which waits for readiness rather than reading first
            Thread.sleep(50);
            assertEquals("two", onLoop(() -> readString(64)).get());
        });
    }

    @Test
    void onACrowdedLoopAReadGoesLastAndStillWaitsForBytesThatComeLater() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            AtomicBoolean crowding = new AtomicBoolean(true);
            try {
                for (int i = 0; i < CarrierLoop.CROWDED_TASKS; i++) {
                    onLoop(() -> {
                        while (crowding.get()) {
                            Thread.yield(); // each turn of the loop runs this thread again
                        }
                        return null;
                    });
                }
                send("one");
                // The second read goes last with the read interest off, finds nothing, and must turn it back on
                // to wait: else no selection reports "two".
                CompletableFuture<String> reads = onLoop(() -> readString(64) + " " + readString(64));
                await(socket::isReadBlocked);
                send("two");
                assertEquals("one two", reads.get());
            } finally {
                crowding.set(false);
            }
        });
    }

    @Test
    void theThreadsALoopThreadStartsRunOnTheLoopToo() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            String child = onLoop(() -> {
                CompletableFuture<String> name = new CompletableFuture<>();
                Thread.ofVirtual().start(() -> name.complete(Thread.currentThread().toString()));
                return name.join();
            }).get();
            assertTrue(child.contains("@" + LOOP + "-0"), child);
        });
    }

    @Test
    void aWriteWaitsForRoomAndEveryByteArrivesInOrder() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            byte[] data = new byte[8 << 20];
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) (i * 31 + (i >> 11));
            }
            CompletableFuture<Integer> written = onLoop(() -> {
                ByteBuffer source = ByteBuffer.wrap(data);
                while (source.hasRemaining()) {
                    socket.write(source);
                }
                return data.length;
            });
            await(socket::isWriteBlocked); // the peer reads nothing yet: the send buffer fills
            CRC32 received = new CRC32();
            ByteBuffer buffer = ByteBuffer.allocate(64 << 10);
            long total = 0;
            while (total < data.length) {
                buffer.clear();
                int count = peer.read(buffer);
                assertTrue(count > 0, "bytes until all came");
                received.update(buffer.array(), 0, count);
                total += count;
            }
            CRC32 sent = new CRC32();
            sent.update(data);
            assertEquals(data.length, written.get());
            assertEquals(sent.getValue(), received.getValue());
        });
    }

    @Test
    void shuttingTheInputEndsAWaitingReadWithTheEndOfTheStream() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            CompletableFuture<Integer> read = parkedRead();
            socket.shutdownInput();
            assertEquals(-1, read.get());
        });
    }

    @Test
    void closingEndsAWaitingReadWithAnIoException() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            CompletableFuture<Integer> read = parkedRead();
            socket.close();
            Throwable failure = assertFails(read);
            assertInstanceOf(IOException.class, failure);
            assertEquals(-1, peer.read(ByteBuffer.allocate(1)), "the descriptor is closed: the peer reads the end");
        });
    }

    @Test
    void closingEndsAWaitingWrite() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            CompletableFuture<Integer> written = onLoop(() -> {
                ByteBuffer source = ByteBuffer.allocate(8 << 20);
                while (source.hasRemaining()) {
                    socket.write(source);
                }
                return 0;
            });
            await(socket::isWriteBlocked);
            socket.close();
            assertInstanceOf(IOException.class, assertFails(written));
        });
    }

    @Test
    void thePeersCloseReadsAsTheEndOfTheStream() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            CompletableFuture<Integer> read = parkedRead();
            peer.shutdownOutput();
            assertEquals(-1, read.get());
        });
    }

    @Test
    void aTimedReadReturnsNothingWhenItsTimePassesAndTheBytesWhenTheyCome() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            long start = System.nanoTime();
            assertEquals(0, onLoop(() -> socket.readWithin(ByteBuffer.allocate(16), 100_000_000)).get());
            assertTrue(System.nanoTime() - start >= 100_000_000, "waited its time");
            CompletableFuture<Integer> read = onLoop(
                    () -> socket.readWithin(ByteBuffer.allocate(16), TimeUnit.SECONDS.toNanos(20)));
            await(socket::isReadBlocked);
            send("abc");
            assertEquals(3, read.get());
        });
    }

    @Test
    void aWaitWithoutAThreadStartsItsTaskOnTheLoopWhenBytesCome() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            CompletableFuture<String> resumed = new CompletableFuture<>();
            assertTrue(onLoop(() -> socket.watch(() -> {
                try {
                    resumed.complete(Thread.currentThread() + " read " + readString(16));
                } catch (IOException e) {
                    resumed.completeExceptionally(e);
                }
            })).get());
            assertTrue(socket.isWatched());
            Thread.sleep(50);
            assertFalse(resumed.isDone(), "no task before input");
            send("next");
            String result = resumed.get();
            assertTrue(result.endsWith(" read next"), result);
            assertTrue(result.contains("@" + LOOP + "-0"), result);
            assertFalse(socket.isWatched());
        });
    }

    @Test
    void closingTheSocketOrEndingTheWaitStartsTheTaskOfAWaitWithoutAThread() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            CompletableFuture<Boolean> ended = new CompletableFuture<>();
            assertTrue(socket.watch(() -> ended.complete(socket.isOpen())));
            socket.endWatch();
            assertTrue(ended.get(), "ended by endWatch, the socket still open");

            CompletableFuture<Boolean> closed = new CompletableFuture<>();
            assertTrue(socket.watch(() -> closed.complete(socket.isOpen())));
            socket.close();
            assertFalse(closed.get(), "ended by the close");
        });
    }

    @Test
    void readinessThatCameWithNobodyReadingIsKeptForTheNextWait() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            assertEquals("first", onLoop(() -> {
                send("first");
                Thread.sleep(50); // the loop's thread is this one's carrier: the readiness waits for a selection
                return readString(64);
            }).get());
            send("second"); // the loop sees it with no thread waiting, and stops reporting it
            Thread.sleep(50);
            assertFalse(onLoop(() -> socket.watch(() -> { })).get(), "input is here: the caller reads it");
            assertEquals("second", onLoop(() -> readString(64)).get());
        });
    }

    @Test
    void readinessTakenUpByAReadThatTookEverythingIsNotLeftToRefuseTheNextWaitWithoutAThread() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            send("early"); // arrives, and is reported, before anyone reads
            Thread.sleep(50);
            assertEquals("early", onLoop(() -> readString(64)).get());
            assertTrue(onLoop(() -> socket.watch(() -> { })).get(), "nothing is left to read: the wait is taken");
        });
    }

    @Test
    void endingAWaitWithoutAThreadLeavesAThreadParkedInARead() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            CompletableFuture<String> read = onLoop(() -> readString(64));
            await(socket::isReadBlocked);
            assertFalse(socket.isWatched(), "a parked reader is no wait without a thread");
            socket.endWatch(); // the sweeper's, for a wait that is not there
            assertTrue(socket.isReadBlocked(), "the reader still waits");
            send("late");
            assertEquals("late", read.get());
        });
    }

    /** A read on the loop, once it has parked for want of bytes. */
    private CompletableFuture<Integer> parkedRead() throws InterruptedException {
        CompletableFuture<Integer> read = onLoop(() -> socket.read(ByteBuffer.allocate(16)));
        await(socket::isReadBlocked);
        return read;
    }

    private String readString(int room) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(room);
        int count = socket.read(buffer);
        assertTrue(count > 0, "read " + count);
        return new String(buffer.array(), 0, count, StandardCharsets.UTF_8);
    }

    private void send(String text) throws IOException {
        peer.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
    }

    private interface Call<T> {
        T call() throws Exception;
    }

    /** Runs the call on a virtual thread of the socket's loop. */
    private <T> CompletableFuture<T> onLoop(Call<T> call) {
        CompletableFuture<T> result = new CompletableFuture<>();
        socket.newThread(() -> {
            try {
                result.complete(call.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }).start();
        return result;
    }

    private static Throwable assertFails(CompletableFuture<?> future) throws InterruptedException {
        try {
            future.get();
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("the call failed");
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "in time");
            Thread.sleep(5);
        }
    }
}
