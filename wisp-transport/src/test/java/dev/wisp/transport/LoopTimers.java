package dev.wisp.transport;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Starts carrier loops, then makes a timed wait on each, and prints how many of the JDK's timer threads for such waits
 * those waits started, for {@link CarrierLoopsIT}: none if the loops' start started every timer they use.
 */
final class LoopTimers {
    static final int LOOPS = 4;
    /**
     * The name of the JDK's threads (JDK 25) that end the timed waits of virtual threads of schedulers of one's own.
     */
    private static final String TIMER_THREAD = "VirtualThread-unparker";

    private LoopTimers() {
    }

    public static void main(String[] args) throws Exception {
        List<SocketChannel> channels = new ArrayList<>();
        try (CarrierLoops loops = CarrierLoops.start(LOOPS, "timers", (thread, failure) -> { }, "timers");
                ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            long timersBefore = timerThreads();
            for (int i = 0; i < LOOPS; i++) {
                channels.add(SocketChannel.open(listener.getLocalAddress()));
                SocketChannel accepted = listener.accept();
                channels.add(accepted);
                Thread waiter = loops.socket(accepted).newThread(() -> LockSupport.parkNanos(1_000_000));
                waiter.start();
                waiter.join();
            }
            System.out.println(timerThreads() - timersBefore + " started by waits on " + LOOPS + " loops");
        } finally {
            for (SocketChannel channel : channels) {
                channel.close();
            }
        }
    }

    private static long timerThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().equals(TIMER_THREAD))
                .count();
    }
}
