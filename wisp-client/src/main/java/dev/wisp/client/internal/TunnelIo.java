package dev.wisp.client.internal;

import dev.wisp.transport.StreamSocket;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;

/**
 * The blocking reads and writes of a proxy handshake ({@link ProxyTunnel}, {@link SocksTunnel}), made on the
 * connection's socket before it has a transport, whatever kind of socket it is; each read ends by the deadline.
 */
final class TunnelIo {
    private TunnelIo() {
    }

    static void write(StreamSocket socket, byte[] bytes) throws IOException {
        ByteBuffer out = ByteBuffer.wrap(bytes);
        while (out.hasRemaining()) {
            socket.write(out);
        }
    }

    /**
     * Reads what arrives into the heap buffer, waiting no later than the deadline: the bytes read, or -1 at the end of
     * the stream.
     *
     * @throws SocketTimeoutException with the message given if the deadline passed first
     */
    static int read(StreamSocket socket, ByteBuffer into, long deadline, String lateMessage) throws IOException {
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new SocketTimeoutException(lateMessage);
            }
            int n = socket.readWithin(into, left);
            if (n != 0) {
                return n;
            }
        }
    }
}
