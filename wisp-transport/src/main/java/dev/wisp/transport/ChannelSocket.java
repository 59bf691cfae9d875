package dev.wisp.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Optional;

/**
 * A blocking {@link SocketChannel} as a {@link StreamSocket}. The channel's own blocking reads have no timeout:
 * deadlines are the sweeper's, which shuts the input of a late read. An untimed read parks a virtual thread without
 * a timer object, and costs an idle connection fewer objects and a shallower parked stack than a {@link Socket}.
 */
final class ChannelSocket implements StreamSocket {
    private final SocketChannel channel;

    ChannelSocket(SocketChannel channel) {
        this.channel = channel;
    }

    @Override
    public int read(ByteBuffer destination) throws IOException {
        return channel.read(destination);
    }

    /** Switches the channel to non-blocking mode for one read, and back before returning. */
    @Override
    public int readNow(ByteBuffer destination) throws IOException {
        channel.configureBlocking(false);
        try {
            return channel.read(destination);
        } finally {
            channel.configureBlocking(true);
        }
    }

    /** The channel's socket view reads with a timeout, which the channel's own reads lack. */
    @Override
    public int readWithin(ByteBuffer destination, long nanos) throws IOException {
        Socket socket = channel.socket();
        socket.setSoTimeout((int) Math.max(1, nanos / 1_000_000));
        try {
            int n = socket.getInputStream().read(destination.array(),
                    destination.arrayOffset() + destination.position(), destination.remaining());
            if (n > 0) {
                destination.position(destination.position() + n);
            }
            return n;
        } catch (SocketTimeoutException e) {
            return 0;
        } finally {
            socket.setSoTimeout(0);
        }
    }

    @Override
    public int write(ByteBuffer source) throws IOException {
        return channel.write(source);
    }

    @Override
    public void shutdownInput() throws IOException {
        channel.shutdownInput();
    }

    @Override
    public void shutdownOutput() throws IOException {
        channel.shutdownOutput();
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /** A Unix domain socket has no IP address: its path stands as an unresolved host name, port 0. */
    @Override
    public InetSocketAddress remoteAddress() throws IOException {
        return channel.getRemoteAddress() instanceof InetSocketAddress inet ? inet
                : InetSocketAddress.createUnresolved(String.valueOf(channel.getRemoteAddress()), 0);
    }

    @Override
    public Optional<InetSocketAddress> localAddress() {
        if (!channel.isOpen()) {
            return Optional.empty();
        }
        try {
            return channel.getLocalAddress() instanceof InetSocketAddress inet ? Optional.of(inet) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty(); // closed meanwhile
        }
    }

    @Override
    public Optional<SocketChannel> channel() {
        return Optional.of(channel);
    }
}
