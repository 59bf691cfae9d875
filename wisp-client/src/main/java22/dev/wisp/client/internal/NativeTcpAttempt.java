package dev.wisp.client.internal;

import dev.wisp.client.SocketOptions;
import dev.wisp.client.UnsupportedSocketOptionException;
import dev.wisp.transport.StreamSocket;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.UnknownHostException;

/**
 * A connection attempt on a {@link NativeSocket}, for a connection with a priority: the socket gets every option a
 * {@link ChannelConnectAttempt} would give it (the type of service, read back; {@code TCP_NODELAY}; {@code
 * SO_REUSEADDR} when asked for; the local address and port), and {@code SO_PRIORITY}, before it connects.
 */
final class NativeTcpAttempt implements ConnectAttempt {
    private final NativeSocket socket;
    private final SocketOptions options;

    NativeTcpAttempt(NativeSocket socket, SocketOptions options) {
        this.socket = socket;
        this.options = options;
    }

    @Override
    public StreamSocket connect(InetSocketAddress remote, long timeoutNanos) throws IOException {
        boolean v6 = !(remote.getAddress() instanceof Inet4Address);
        // Linux's IP_TOS also sets the socket's priority, from the TOS byte (rt_tos2priority: 0x10 gives 6, 0x08
        // gives 2), so SO_PRIORITY comes after it, or the type of service would replace the priority asked for.
        if (options.typeOfService().isPresent()) {
            setTypeOfService(options.typeOfService().getAsInt(), v6);
        }
        int priority = options.priority().orElseThrow();
        int result = socket.setOption(Libc.SOL_SOCKET, Libc.SO_PRIORITY, priority);
        if (result < 0) {
            throw new UnsupportedSocketOptionException("SO_PRIORITY", "SO_PRIORITY " + priority + " was refused: "
                    + Libc.message(-result) + (result == -Libc.EPERM
                    ? " (a priority above 6 needs CAP_NET_ADMIN or CAP_NET_RAW)" : ""));
        }
        require("TCP_NODELAY", socket.setOption(Libc.IPPROTO_TCP, Libc.TCP_NODELAY, 1));
        if (options.reuseAddress()) {
            require("SO_REUSEADDR", socket.setOption(Libc.SOL_SOCKET, Libc.SO_REUSEADDR, 1));
        }
        if (options.binds()) {
            socket.bind(new InetSocketAddress(options.localAddress().orElse(wildcard(v6)), options.localPort()));
        }
        socket.connect(remote, timeoutNanos);
        return socket;
    }

    /** IP_TOS, or for IPv6 the traffic class, read back as the JDK path does. */
    private void setTypeOfService(int value, boolean v6) throws IOException {
        int level = v6 ? Libc.IPPROTO_IPV6 : Libc.IPPROTO_IP;
        int name = v6 ? Libc.IPV6_TCLASS : Libc.IP_TOS;
        int result = socket.setOption(level, name, value);
        if (result < 0) {
            throw new UnsupportedSocketOptionException("IP_TOS", "IP_TOS " + value + " was refused: "
                    + Libc.message(-result));
        }
        ConnectAttempt.requireKept(value, socket.option(level, name));
    }

    private static void require(String option, int result) throws SocketException {
        if (result < 0) {
            throw new SocketException("setsockopt(" + option + "): " + Libc.message(-result));
        }
    }

    /** The family's own wildcard: a native socket is of one family, unlike the JDK's dual-stack channel. */
    private static InetAddress wildcard(boolean v6) throws UnknownHostException {
        return InetAddress.getByAddress(new byte[v6 ? 16 : 4]);
    }

    @Override
    public void close() {
        socket.close();
    }
}
