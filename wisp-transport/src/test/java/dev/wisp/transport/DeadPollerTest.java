package dev.wisp.transport;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A read that the JDK's poller will never wake goes on, woken by the {@link TimeoutSweeper}'s scans, on a server
 * with no busy thread to scan. The JDK's poller threads end at the first {@link Error} they meet (a full heap's
 * {@link OutOfMemoryError}); from then on its wake-ups never come. The child JVM takes the poller's note of the
 * blocked read away, which loses the wake-up as a dead poller would, through the JDK's internals (opened to it by
 * an option, in that JVM only).
 */
class DeadPollerTest {
    @Test
    void aReadThePollerWillNotWakeIsWokenByTheSweeper() throws Exception {
        ChildJvm.assertPrints(LostWakeup.WOKEN, LostWakeup.class, "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED");
    }

    /** Prints {@link #WOKEN} if a read whose poller lost its wake-up returns within 10 s, with a sweeper running. */
    static final class LostWakeup {
        static final String WOKEN = "the read went on without the poller";

        public static void main(String[] args) throws Exception {
            TimeoutSweeper sweeper = new TimeoutSweeper(now -> { }, Duration.ofSeconds(2)).start("test-sweeper");
            try (ServerSocketChannel server = ServerSocketChannel.open()
                            .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                    SocketChannel client = SocketChannel.open(server.getLocalAddress());
                    StreamSocket accepted = StreamSocket.of(server.accept())) {
                AtomicLong read = new AtomicLong();
                Thread reader = Thread.ofVirtual().start(() -> read.set(LateWakeupsTest.readOneByte(accepted)));
                OneCarrier.awaitParked(reader);
                if (!forgetInPollers(reader)) {
                    System.out.println("the JDK's pollers had no note of the blocked read");
                    return;
                }

                client.write(ByteBuffer.wrap(new byte[] {42}));

                boolean woken = reader.join(Duration.ofSeconds(10));
                System.out.println(woken && read.get() == 1 ? WOKEN : "the read still waits");
            } finally {
                sweeper.close();
            }
        }

        /**
         * Removes the thread from the JDK's read pollers' maps of file descriptor to parked thread, waiting up to
         * 10 s for it to appear there: the poller's wake-up for it then finds no one to wake.
         */
        private static boolean forgetInPollers(Thread thread) throws Exception {
            Class<?> pollerClass = Class.forName("sun.nio.ch.Poller");
            Field pollersField = pollerClass.getDeclaredField("POLLERS");
            pollersField.setAccessible(true);
            Object pollers = pollersField.get(null);
            Method readPollers = pollers.getClass().getDeclaredMethod("readPollers");
            readPollers.setAccessible(true);
            Field mapField = pollerClass.getDeclaredField("map");
            mapField.setAccessible(true);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() - deadline < 0) {
                for (Object poller : (List<?>) readPollers.invoke(pollers)) {
                    Map<?, ?> map = (Map<?, ?>) mapField.get(poller);
                    if (map.values().remove(thread)) {
                        return true;
                    }
                }
                Thread.sleep(1);
            }
            return false;
        }
    }
}
