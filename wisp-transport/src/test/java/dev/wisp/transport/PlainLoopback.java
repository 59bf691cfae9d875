package dev.wisp.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

/** A plaintext transport connected over loopback to a bare channel, which a test drives as the peer. */
final class PlainLoopback implements AutoCloseable {
    private static final long WRITE_TIMEOUT = TimeUnit.SECONDS.toNanos(10);

    private final ServerSocketChannel listener;
    final PlainTransport transport;
    final SocketChannel peer;

    private PlainLoopback(ServerSocketChannel listener, PlainTransport transport, SocketChannel peer) {
        this.listener = listener;
        this.transport = transport;
        this.peer = peer;
    }

    static PlainLoopback open() throws IOException {
        ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        PlainTransport transport = PlainTransport.of(SocketChannel.open(listener.getLocalAddress()), WRITE_TIMEOUT);
        return new PlainLoopback(listener, transport, listener.accept());
    }

    @Override
    public void close() throws IOException {
        transport.close();
        peer.close();
        listener.close();
    }
}
