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
        int scan = LateWakeups.SCAN_MILLIS;
        int first = LateWakeups.FIRST_MILLIS;

        assertFalse(LateWakeups.passedMark(first - 1, scan), "before the first mark");
        assertTrue(LateWakeups.passedMark(first, scan));
        assertFalse(LateWakeups.passedMark(first + scan, scan), "once per mark");
        assertTrue(LateWakeups.passedMark(2 * first + scan - 1, scan), "crossed within the last scan");
        assertFalse(LateWakeups.passedMark(3 * first, scan));
        assertTrue(LateWakeups.passedMark(4 * first, scan));
        assertTrue(LateWakeups.passedMark(8 * first + scan / 2, scan));
        assertFalse(LateWakeups.passedMark(12 * first, scan));
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

        private static long readOneByte(StreamSocket socket) {
            try {
                return socket.read(ByteBuffer.allocate(1));
            } catch (IOException e) {
                return -2;
            }
        }
    }
}
