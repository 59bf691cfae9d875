package dev.wisp.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.client.SocketOptions;
import dev.wisp.transport.StreamSocket;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Whether the kernel holds bytes that no read has taken ({@link StreamSocket#holdsUnreadBytes()}), which the HTTP/2
 * client asks of a connection whose reading thread stays blocked: on the JDK's socket channel, and on the native
 * socket that a priority needs (the multi-release jar's Java 22 class, which this test reaches as it runs on the jar).
 */
class UnreadBytesIT {
    private static final Duration LIMIT = Duration.ofSeconds(20);

    @ParameterizedTest(name = "with a priority: {0}")
    @ValueSource(booleans = {false, true})
    void tellsBytesThatWaitFromNone(boolean withPriority) {
        assertTimeoutPreemptively(LIMIT, () -> {
            SocketOptions options = withPriority ? SocketOptions.builder().priority(6).build()
                    : SocketOptions.defaults();
            InetAddress loopback = InetAddress.getLoopbackAddress();
            try (ServerSocket listener = new ServerSocket(0, 1, loopback);
                    ConnectAttempt attempt = ConnectAttempt.open(loopback, options)) {
                StreamSocket socket = attempt.connect(new InetSocketAddress(loopback, listener.getLocalPort()),
                        Duration.ofSeconds(5).toNanos());
                try (Socket peer = listener.accept()) {
                    assertFalse(socket.holdsUnreadBytes(), "nothing sent yet");
                    OutputStream out = peer.getOutputStream();
                    out.write(new byte[] {1, 2, 3});
                    out.flush();
                    long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                    while (!socket.holdsUnreadBytes() && System.nanoTime() < end) {
                        Thread.sleep(10);
                    }
                    assertTrue(socket.holdsUnreadBytes(), "three bytes sent");
                    ByteBuffer read = ByteBuffer.allocate(3);
                    while (read.hasRemaining()) {
                        socket.read(read);
                    }
                    assertEquals(3, read.position());
                    assertFalse(socket.holdsUnreadBytes(), "all read");
                    peer.shutdownOutput();
                    assertFalse(socket.holdsUnreadBytes(), "the end of the stream is no byte");
                } finally {
                    socket.close();
                }
                assertFalse(socket.holdsUnreadBytes(), "closed");
            }
        });
    }
}
