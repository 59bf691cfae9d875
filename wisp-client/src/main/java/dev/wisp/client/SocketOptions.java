package dev.wisp.client;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Options for the sockets a client opens (libwebsockets' {@code lws_client_connect_info}): a Unix domain socket to
 * use instead of TCP, the local address and port to bind to, and which address family to try first when a name
 * has both.
 *
 * <p>Immutable; build one with {@link #builder()}.
 */
public final class SocketOptions {
    private static final SocketOptions DEFAULTS = builder().build();

    /** The order in which a host's addresses are tried. */
    public enum IpPreference {
        /** IPv6 and IPv4 interleaved, starting with the resolver's first family (RFC 8305 §4). */
        INTERLEAVED,
        /** IPv4 addresses first, then IPv6. */
        IPV4_FIRST,
        /** IPv6 addresses first, then IPv4. */
        IPV6_FIRST,
        /** IPv4 addresses only. */
        IPV4_ONLY,
        /** IPv6 addresses only. */
        IPV6_ONLY
    }

    private final Path unixSocket;
    private final InetAddress localAddress;
    private final int localPort;
    private final IpPreference ipPreference;

    private SocketOptions(Builder builder) {
        this.unixSocket = builder.unixSocket;
        this.localAddress = builder.localAddress;
        this.localPort = builder.localPort;
        this.ipPreference = builder.ipPreference;
    }

    /** No binding, addresses interleaved. */
    public static SocketOptions defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The Unix domain socket every connection goes to instead of the origin's host and port, if set. */
    public Optional<Path> unixSocket() {
        return Optional.ofNullable(unixSocket);
    }

    /** The local address to bind to, if set. */
    public Optional<InetAddress> localAddress() {
        return Optional.ofNullable(localAddress);
    }

    /** The local port to bind to; 0 for any. */
    public int localPort() {
        return localPort;
    }

    public IpPreference ipPreference() {
        return ipPreference;
    }

    /** Whether the sockets are bound before connecting. */
    public boolean binds() {
        return localAddress != null || localPort != 0;
    }

    /** The address to bind a socket for {@code remote} to: the local address (or the wildcard) and port. */
    public InetSocketAddress bindAddress() {
        return localAddress != null ? new InetSocketAddress(localAddress, localPort) : new InetSocketAddress(localPort);
    }

    /** The addresses in the order to try them, without the families the preference excludes. */
    public List<InetAddress> order(List<InetAddress> addresses) {
        List<InetAddress> v4 = addresses.stream().filter(a -> a.getAddress().length == 4).toList();
        List<InetAddress> v6 = addresses.stream().filter(a -> a.getAddress().length == 16).toList();
        return switch (ipPreference) {
            case IPV4_ONLY -> v4;
            case IPV6_ONLY -> v6;
            case IPV4_FIRST -> concat(v4, v6);
            case IPV6_FIRST -> concat(v6, v4);
            case INTERLEAVED -> {
                boolean v6First = !addresses.isEmpty() && addresses.getFirst().getAddress().length == 16;
                List<InetAddress> first = v6First ? v6 : v4;
                List<InetAddress> second = v6First ? v4 : v6;
                List<InetAddress> ordered = new ArrayList<>();
                for (int i = 0; i < Math.max(first.size(), second.size()); i++) {
                    if (i < first.size()) {
                        ordered.add(first.get(i));
                    }
                    if (i < second.size()) {
                        ordered.add(second.get(i));
                    }
                }
                yield List.copyOf(ordered);
            }
        };
    }

    private static List<InetAddress> concat(List<InetAddress> first, List<InetAddress> second) {
        List<InetAddress> all = new ArrayList<>(first);
        all.addAll(second);
        return List.copyOf(all);
    }

    /** Builds {@link SocketOptions}; not thread-safe. */
    public static final class Builder {
        private Path unixSocket;
        private InetAddress localAddress;
        private int localPort;
        private IpPreference ipPreference = IpPreference.INTERLEAVED;

        private Builder() {
        }

        /**
         * Connects every connection to this Unix domain socket (curl's {@code --unix-socket}): no DNS and no TCP;
         * the URL still gives the Host field, and TLS, when the URL is https, runs over the socket with the host
         * verified. The JDK has no Linux abstract names: the socket must be a path.
         */
        public Builder unixSocket(Path path) {
            this.unixSocket = Objects.requireNonNull(path, "unixSocket");
            return this;
        }

        /** Binds each socket to this local address before connecting (curl's {@code --interface} with an IP). */
        public Builder localAddress(InetAddress address) {
            this.localAddress = Objects.requireNonNull(address, "localAddress");
            return this;
        }

        /**
         * Binds each socket to this local port (curl's {@code --local-port}); only one connection at a time can
         * use it, so the pool should hold one connection per origin.
         */
        public Builder localPort(int port) {
            this.localPort = port;
            return this;
        }

        public Builder ipPreference(IpPreference preference) {
            this.ipPreference = Objects.requireNonNull(preference, "ipPreference");
            return this;
        }

        /** @throws IllegalArgumentException for a port outside 0..65535, or binding with a Unix socket */
        public SocketOptions build() {
            if (unixSocket != null && (localAddress != null || localPort != 0)) {
                throw new IllegalArgumentException("a Unix domain socket takes no local address or port");
            }
            if (localPort < 0 || localPort > 65535) {
                throw new IllegalArgumentException("localPort must be 0..65535: " + localPort);
            }
            return new SocketOptions(this);
        }
    }
}
