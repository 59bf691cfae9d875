package dev.wisp.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A read blocked on a socket whose bytes have arrived goes on while virtual threads keep the only carrier busy. The
 * JDK's poller alone does not wake it then: its wake-up waits for a carrier with nothing else to do (on JDK 25 with
 * one carrier, it was still waiting after 5 s). Busy threads that pass through {@link BusyThreads#exchangeEnded()}
 * wake it.
 */
class LateWakeupsTest {
    private static final long CHILD_SECONDS = 60;

    @Test
    void aReadLeftWaitingByTheJdkPollerIsWokenByBusyThreads() throws Exception {
        OneCarrier.assertPrints(BusyCarrier.WOKEN, BusyCarrier.class);
    }

    @Test
    void aThreadIsWokenAtTheFirstMarkAndAtEachDoublingOfIt() {
        assertMarks(LateWakeups.SCAN_TICKS, LateWakeups.FIRST_TICKS);
        assertMarks(LateWakeups.CROWDED_SCAN_TICKS, LateWakeups.CROWDED_FIRST_TICKS);
    }

    private static void assertMarks(int scan, int first) {
        assertFalse(LateWakeups.passedMark(first - 1, scan, first), "before the first mark");
        assertTrue(LateWakeups.passedMark(first, scan, first));
        assertTrue(LateWakeups.passedMark(first + scan - 1, scan, first), "crossed within the last scan");
        assertFalse(LateWakeups.passedMark(3 * first, 1, first), "once per mark");
        assertTrue(LateWakeups.passedMark(2 * first + scan - 1, scan, first), "the second mark");
        assertTrue(LateWakeups.passedMark(4 * first, 1, first));
        assertTrue(LateWakeups.passedMark(8 * first, 1, first));
        assertFalse(LateWakeups.passedMark(12 * first, 1, first));
    }

    @Test
    void aCrowdedCarrierIsLookedAtEveryTickAndAnotherAboutEveryMillisecond() {
        assertEquals(1, LateWakeups.CROWDED_SCAN_TICKS);
        assertEquals(1_000_000, LateWakeups.SCAN_TICKS * LateWakeups.TICK_NANOS, 50_000);
        assertEquals(2_000_000, LateWakeups.FIRST_TICKS * LateWakeups.TICK_NANOS, 100_000);
    }

    @Test
    void aSocketStaysListedWhileItsThreadsCallAndIsDroppedAfterScansThatFindNoneBlocked() throws Exception {
        try (Loopback loopback = Loopback.open()) {
            ChannelSocket socket = loopback.socket();
            SocketChannel peer = loopback.peer();
            Thread reader = blockedReader(socket);
            int now = LateWakeups.nowTicks();
            int scan = 0;
            for (; scan < 2 * LateWakeups.DROP_AFTER_SCANS; scan++) {
                socket.wakeLate(now + scan, 1, 1, true); // early wake-ups too: the read retries and blocks again
            }
            assertTrue(LateWakeups.isListed(socket), "kept while its thread is blocked");

            peer.write(ByteBuffer.wrap(new byte[] {42}));
            reader.join();
            for (int i = 1; i < LateWakeups.DROP_AFTER_SCANS; i++) {
                socket.wakeLate(now + scan++, 1, 1, true);
            }
            assertTrue(LateWakeups.isListed(socket), "kept while its next call may soon come");
            socket.wakeLate(now + scan, 1, 1, true);
            assertFalse(LateWakeups.isListed(socket), "dropped after scans that found no thread blocked");
        }
    }

    @Test
    void aReadWithNothingToReadIsWokenOnlyOnceItHasWaitedLong() throws Exception {
        // At a moderate load, reads woken early that had nothing to read cost more CPU than the requests.
        try (Loopback loopback = Loopback.open()) {
            ChannelSocket socket = loopback.socket();
            SocketChannel peer = loopback.peer();
            Thread reader = blockedReader(socket);
            int now = LateWakeups.nowTicks();
            assertFalse(socket.wakeLate(now, 1, 1, true), "the first scan stamps the wait");
            for (int waited = 1; waited < LateWakeups.WAKE_BLIND_TICKS; waited++) {
                assertFalse(socket.wakeLate(now + waited, 1, 1, true),
                        "nothing to read: not woken after " + waited + " ticks");
            }
            assertTrue(socket.wakeLate(now + LateWakeups.WAKE_BLIND_TICKS, 1, 1, true),
                    "woken at the mark after a long wait, whatever the socket holds (the count misses the end)");

            peer.write(ByteBuffer.wrap(new byte[] {42}));
            reader.join();
        }
    }

    @Test
    void whileThePollerIsLateAReadThatWaitedLongSeesItsBytesAtTheNextScanNotAtTheNextMark() throws Exception {
        // A dead poller wakes no one: a read that waited seconds would see its bytes only at a mark seconds away.
        int longWait = LateWakeups.WAKE_BLIND_TICKS * 40 + 3; // between two marks
        try (Loopback quiet = Loopback.open(); Loopback arrived = Loopback.open()) {
            arrived.peer().write(ByteBuffer.wrap(new byte[] {42}));
            awaitBytesHeld(arrived.socket());
            assertTrue(arrived.socket().isReadWakeDue(longWait, 1, 1, true), "bytes wait, the poller is late");
            assertFalse(arrived.socket().isReadWakeDue(longWait, 1, 1, false), "the poller is on time: it wakes");
            assertFalse(quiet.socket().isReadWakeDue(longWait, 1, 1, true), "nothing to read: only at the marks");
            assertTrue(quiet.socket().isReadWakeDue(LateWakeups.WAKE_BLIND_TICKS * 64, 1, 1, true), "a mark");
            assertFalse(arrived.socket().isReadWakeDue(3, 1, 1, true),
                    "a read that has not waited long: at the marks only, which come often then");
        }
    }

    /** Waits until the kernel holds bytes for the socket. */
    private static void awaitBytesHeld(ChannelSocket socket) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!socket.isReadWakeDue(LateWakeups.WAKE_BLIND_TICKS + 3, 1, 1, true)) {
            assertTrue(System.nanoTime() - deadline < 0, "no byte arrived");
            Thread.sleep(1);
        }
    }

    @Test
    void aSocketWhoseWaitGoesToTheInputWatcherIsDropped() throws Exception {
        try (Loopback loopback = Loopback.open();
                PlainTransport transport = PlainTransport.of(loopback.socket(), TimeUnit.SECONDS.toNanos(10));
                InputWatcher watcher = InputWatcher.start("test-watcher", Thread.ofVirtual().factory())) {
            ChannelSocket socket = loopback.socket();
            SocketChannel peer = loopback.peer();
            peer.write(ByteBuffer.wrap(new byte[] {42}));
            Thread.ofVirtual().start(() -> readOneByte(socket)).join();
            assertTrue(LateWakeups.isListed(socket), "listed by the read");

            CountDownLatch resumed = new CountDownLatch(1);
            assertTrue(watcher.watch(transport, resumed::countDown));
            assertFalse(LateWakeups.isListed(socket));

            peer.write(ByteBuffer.wrap(new byte[] {43}));
            assertTrue(resumed.await(10, TimeUnit.SECONDS), "the watch goes on as before");
        }
    }

    /** Reads one byte: 1, -1 at the end, or -2 if the read failed. */
    static long readOneByte(StreamSocket socket) {
        try {
            return socket.read(ByteBuffer.allocate(1));
        } catch (IOException e) {
            return -2;
        }
    }

    /**
     * In a JVM with one carrier: two virtual threads wake each other in turn, so the carrier always has work of its
     * own, and end an exchange as a busy connection does; a third waits in a socket read for a byte that
     * is then sent. Prints {@link #WOKEN} if the read returns within 10 s.
     */
    static final class BusyCarrier {
        static final String WOKEN = "the read went on";

        public static void main(String[] args) throws Exception {
            try (ServerSocketChannel server = ServerSocketChannel.open()
                            .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                    SocketChannel client = SocketChannel.open(server.getLocalAddress());
                    StreamSocket accepted = StreamSocket.of(server.accept())) {
                AtomicLong read = new AtomicLong();
                Thread reader = Thread.ofVirtual().start(() -> read.set(readOneByte(accepted)));
                OneCarrier.awaitParked(reader);
                AutoCloseable busy = OneCarrier.keepBusy(BusyThreads::exchangeEnded);
                Thread.sleep(100);

                client.write(ByteBuffer.wrap(new byte[] {42}));

                boolean woken = reader.join(Duration.ofSeconds(10));
                busy.close();
                System.out.println(woken && read.get() == 1 ? WOKEN : "the read still waits");
            }
            System.exit(0); // the busy threads may still be winding down
        }

    }

    /** Starts a virtual thread that reads a byte from the socket, and returns it once it is blocked in the read. */
    private static Thread blockedReader(ChannelSocket socket) throws InterruptedException {
        Thread reader = Thread.ofVirtual().start(() -> readOneByte(socket));
        OneCarrier.awaitParked(reader);
        return reader;
    }

    /** A loopback connection: the accepted side as a {@link ChannelSocket}, and its peer. */
    private record Loopback(ServerSocketChannel server, SocketChannel peer, ChannelSocket socket)
            implements AutoCloseable {
        static Loopback open() throws IOException {
            ServerSocketChannel server = ServerSocketChannel.open()
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            SocketChannel peer = SocketChannel.open(server.getLocalAddress());
            return new Loopback(server, peer, (ChannelSocket) StreamSocket.of(server.accept()));
        }

        @Override
        public void close() throws IOException {
            socket.close();
            peer.close();
            server.close();
        }
    }
}
