package dev.wisp.client.internal;

import static java.lang.System.Logger.Level.DEBUG;

import dev.wisp.client.SocketOptions;
import dev.wisp.transport.StreamSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

/** A connection attempt on a JDK socket channel: every TCP connection but those with a priority. */
final class ChannelConnectAttempt implements ConnectAttempt {
    private static final System.Logger LOG = System.getLogger(ChannelConnectAttempt.class.getName());

    private final SocketChannel channel;
    private final SocketOptions options;

    ChannelConnectAttempt(SocketOptions options) throws IOException {
        try {
            this.channel = SocketChannel.open();
        } catch (LinkageError e) {
            // The channel's classes failed as they started, the descriptor table full at their first use: for good.
            throw new IOException("the JDK cannot open sockets in this process: " + e, e);
        }
        this.options = options;
    }

    @Override
    public StreamSocket connect(InetSocketAddress remote, long timeoutNanos) throws IOException {
        if (options.reuseAddress()) {
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        }
        if (options.binds()) {
            channel.bind(options.bindAddress());
        }
        if (options.typeOfService().isPresent()) {
            int value = options.typeOfService().getAsInt();
            channel.setOption(StandardSocketOptions.IP_TOS, value);
            ConnectAttempt.requireKept(value, channel.getOption(StandardSocketOptions.IP_TOS));
        }
        // The socket adapter of a blocking channel connects with a timeout; the channel's own connect has none.
        channel.socket().connect(remote, (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(timeoutNanos)));
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        return StreamSocket.of(channel);
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(DEBUG, () -> "close of a connection attempt: " + e);
        }
    }
}
