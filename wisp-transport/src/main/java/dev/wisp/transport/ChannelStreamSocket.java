package dev.wisp.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.util.Optional;

/**
 * What the two {@link StreamSocket}s over a JDK {@link SocketChannel} do alike, whoever wakes their waits: the
 * JDK's poller ({@link ChannelSocket}) or a carrier loop ({@link LoopSocket}).
 */
abstract sealed class ChannelStreamSocket implements StreamSocket permits ChannelSocket, LoopSocket {
    final SocketChannel channel;

    ChannelStreamSocket(SocketChannel channel) {
        this.channel = channel;
    }

    @Override
    public final void shutdownOutput() throws IOException {
        channel.shutdownOutput();
    }

    @Override
    public final boolean isOpen() {
        return channel.isOpen();
    }

    /** A Unix domain socket has no IP address: its path stands as an unresolved host name, port 0. */
    @Override
    public final InetSocketAddress remoteAddress() throws IOException {
        return channel.getRemoteAddress() instanceof InetSocketAddress inet ? inet
                : InetSocketAddress.createUnresolved(String.valueOf(channel.getRemoteAddress()), 0);
    }

    @Override
    public final Optional<InetSocketAddress> localAddress() {
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
    public final boolean holdsUnreadBytes() {
        try {
            return bytesHeld() > 0;
        } catch (IOException | RuntimeException | Error e) {
            return false;
        }
    }

    /** How many bytes the kernel holds for this socket ({@code FIONREAD}); takes no lock a read or write holds. */
    final int bytesHeld() throws IOException {
        // A stream made for the call, not the channel's socket view: the channel keeps that one once made, 80 bytes
        // that every idle connection whose bytes were ever counted would hold.
        return Channels.newInputStream(channel).available();
    }
}
