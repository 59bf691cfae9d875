package dev.wisp.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Optional;

/**
 * The plaintext of a TLS connection as a {@link StreamSocket}, for a transport that runs inside it: TLS inside TLS,
 * as a client's connection to an origin through a tunnel of an HTTPS proxy is (the outer TLS ends at the proxy, the
 * inner one at the origin). Reads and writes go through the outer transport's streams; shutting the input, or
 * closing, shuts or closes the socket under the outer TLS, so the inner transport's deadlines end a blocked read or
 * write as they do on a plain socket.
 *
 * <p>There is no channel to select on: a connection over this socket waits for input on a thread of its own.
 * {@link #readNow} unwraps the records that have arrived whole and takes their plaintext; it may wait for a write
 * under way on another thread only when the peer sent a post-handshake message to answer (a key update).
 *
 * <p>Threads as {@link StreamSocket} says: one reads and one writes at a time, any may shut, close or ask.
 */
final class TlsPlaintextSocket implements StreamSocket {
    /** The most a read into a direct buffer copies through a heap array at once. */
    private static final int COPY_BYTES = 16 * 1024;

    private final TlsTransport tls;

    TlsPlaintextSocket(TlsTransport tls) {
        this.tls = tls;
    }

    @Override
    public int read(ByteBuffer destination) throws IOException {
        if (!destination.hasRemaining()) {
            return 0;
        }
        if (destination.hasArray()) {
            int n = tls.input().read(destination.array(), destination.arrayOffset() + destination.position(),
                    destination.remaining());
            if (n > 0) {
                destination.position(destination.position() + n);
            }
            return n;
        }
        byte[] copy = new byte[Math.min(destination.remaining(), COPY_BYTES)];
        int n = tls.input().read(copy, 0, copy.length);
        if (n > 0) {
            destination.put(copy, 0, n);
        }
        return n;
    }

    @Override
    public int readNow(ByteBuffer destination) throws IOException {
        if (!destination.hasRemaining()) {
            return 0;
        }
        if (tls.input().available() == 0 && tls.pollInput() == IdleInput.ENDED) {
            return -1;
        }
        int available = tls.input().available();
        if (available == 0) {
            return 0;
        }
        ByteBuffer part = destination.slice(destination.position(), Math.min(available, destination.remaining()));
        int n = read(part);
        destination.position(destination.position() + Math.max(n, 0));
        return n;
    }

    /**
     * Takes what has arrived; if nothing has, waits for bytes under the TLS records, within the time, and takes
     * what they complete: a record that arrives in parts is waited for part by part, without spinning.
     */
    @Override
    public int readWithin(ByteBuffer destination, long nanos) throws IOException {
        long end = System.nanoTime() + nanos;
        while (true) {
            int n = readNow(destination);
            if (n != 0 || !destination.hasRemaining()) {
                return n;
            }
            long left = end - System.nanoTime();
            if (left <= 0 || !tls.socketInput.awaitByte(left)) {
                return 0;
            }
        }
    }

    @Override
    public int write(ByteBuffer source) throws IOException {
        int length = source.remaining();
        if (source.hasArray()) {
            tls.output().write(source.array(), source.arrayOffset() + source.position(), length);
            source.position(source.limit());
        } else {
            byte[] copy = new byte[length];
            source.get(copy);
            tls.output().write(copy, 0, length);
        }
        return length;
    }

    @Override
    public void shutdownInput() throws IOException {
        tls.shutdownInput();
    }

    /** Sends the outer close_notify and ends the socket's output: the peer reads the end of the stream. */
    @Override
    public void shutdownOutput() throws IOException {
        tls.shutdownOutput();
    }

    @Override
    public boolean isOpen() {
        return tls.isOpen();
    }

    @Override
    public void close() throws IOException {
        tls.close();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return tls.remoteAddress();
    }

    @Override
    public Optional<InetSocketAddress> localAddress() {
        return tls.localAddress();
    }

    @Override
    public Optional<SocketChannel> channel() {
        return Optional.empty();
    }
}
