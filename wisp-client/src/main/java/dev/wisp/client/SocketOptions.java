package dev.wisp.client;

import dev.wisp.client.internal.PrioritySockets;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Options for the sockets a client opens (libwebsockets' {@code lws_client_connect_info}): a Unix domain socket to
 * use instead of TCP (a path, or a Linux abstract name), the local address and port to bind to, which address family
 * to try first when a name has both, the IP type of service, and Linux's {@code SO_PRIORITY}, which needs Java 22
 * (see {@link Builder#priority(int)}).
 *
 * <p>Immutable; build one with {@link #builder()}.
 */
public final class SocketOptions {
    /** RFC 8305 §5: "A simple implementation can have a fixed delay ... 250 ms". */
    private static final Duration DEFAULT_ATTEMPT_DELAY = Duration.ofMillis(250);
    private static final SocketOptions DEFAULTS = builder().build();
    /** {@code sun_path} holds 108 bytes, the first of them the NUL that makes the name abstract. */
    private static final int MAX_ABSTRACT_NAME_BYTES = 107;

    /** The order in which a host's addresses are tried. */
    public enum IpPreference {
        /**
         * IPv6 and IPv4 interleaved, IPv6 first (RFC 8305 §4, after RFC 6724's preference for IPv6, which the JDK's
         * resolver does not apply unless {@code java.net.preferIPv6Addresses} is set).
         */
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

    /**
     * The IP type of service of RFC 1349 (the TOS byte's bits 3-6), for {@link Builder#typeOfService(TypeOfService)};
     * any other byte, DSCP values among them, goes through {@link Builder#typeOfService(int)}.
     */
    public enum TypeOfService {
        /** Minimize delay, {@code 0x10}. */
        LOW_DELAY(0x10),
        /** Maximize throughput, {@code 0x08}. */
        THROUGHPUT(0x08),
        /** Maximize reliability, {@code 0x04}. */
        RELIABILITY(0x04),
        /** Minimize monetary cost, {@code 0x02}. */
        LOW_COST(0x02);

        private final int value;

        TypeOfService(int value) {
            this.value = value;
        }

        /** The TOS byte. */
        public int value() {
            return value;
        }
    }

    private final Path unixSocket;
    private final String abstractUnixSocket;
    private final int typeOfService;
    private final int priority;
    private final Duration connectionAttemptDelay;
    private final InetAddress localAddress;
    private final int localPort;
    private final boolean reuseAddress;
    private final IpPreference ipPreference;

    private SocketOptions(Builder builder) {
        this.unixSocket = builder.unixSocket;
        this.abstractUnixSocket = builder.abstractUnixSocket;
        this.typeOfService = builder.typeOfService;
        this.priority = builder.priority;
        this.connectionAttemptDelay = builder.connectionAttemptDelay;
        this.localAddress = builder.localAddress;
        this.localPort = builder.localPort;
        this.reuseAddress = builder.reuseAddress;
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

    /**
     * The Linux abstract Unix socket name (without its leading NUL byte) every connection goes to instead of the
     * origin's host and port, if set.
     */
    public Optional<String> abstractUnixSocket() {
        return Optional.ofNullable(abstractUnixSocket);
    }

    /** Whether connections go to a Unix domain socket, by path or by abstract name, rather than over TCP. */
    public boolean usesUnixSocket() {
        return unixSocket != null || abstractUnixSocket != null;
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

    /**
     * The IP type of service byte set on each TCP socket ({@code IP_TOS}; the traffic class for IPv6), if set.
     */
    public java.util.OptionalInt typeOfService() {
        return typeOfService < 0 ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(typeOfService);
    }

    /** Linux's {@code SO_PRIORITY} set on each TCP socket, 0 to 7, if set. */
    public java.util.OptionalInt priority() {
        return priority < 0 ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(priority);
    }

    /**
     * How long a connection attempt to one address goes unanswered before the attempt to the next address starts
     * alongside it (RFC 8305 §5's "Connection Attempt Delay"); 250 ms unless set.
     */
    public Duration connectionAttemptDelay() {
        return connectionAttemptDelay;
    }

    /** Whether {@code SO_REUSEADDR} is set on each TCP socket before it binds; off unless set. */
    public boolean reuseAddress() {
        return reuseAddress;
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
                List<InetAddress> first = v6;
                List<InetAddress> second = v4;
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
        private String abstractUnixSocket;
        private InetAddress localAddress;
        private int localPort;
        private boolean reuseAddress;
        private IpPreference ipPreference = IpPreference.INTERLEAVED;
        private int typeOfService = -1;
        private int priority = -1;
        private Duration connectionAttemptDelay = DEFAULT_ATTEMPT_DELAY;

        private Builder() {
        }

        /**
         * Happy Eyeballs (RFC 8305 §5): when a host has several addresses, the attempt to the next one starts once
         * the one before it failed or after this delay without an answer, whichever comes first; the first to
         * connect wins and the others are closed. Default 250 ms, the RFC's recommendation; 10 ms to 2 s. With a
         * {@link #localPort(int) local port} the attempts run one after another instead, since only one socket
         * can hold the port.
         */
        public Builder connectionAttemptDelay(Duration delay) {
            this.connectionAttemptDelay = Objects.requireNonNull(delay, "connectionAttemptDelay");
            return this;
        }

        /** Sets the IP type of service of each TCP socket (libwebsockets' {@code LCCSCF_IP_LOW_LATENCY} and kin). */
        public Builder typeOfService(TypeOfService service) {
            this.typeOfService = Objects.requireNonNull(service, "typeOfService").value();
            return this;
        }

        /**
         * Sets the TOS byte of each TCP socket as it is, 0..255 (a DSCP code point is its value shifted left by
         * two). A value the kernel does not keep fails the connection with {@link UnsupportedSocketOptionException}.
         */
        public Builder typeOfService(int value) {
            if (value < 0 || value > 255) {
                throw new IllegalArgumentException("typeOfService must be 0..255: " + value);
            }
            this.typeOfService = value;
            return this;
        }

        /**
         * Sets Linux's {@code SO_PRIORITY} on each TCP socket, 0 to 7 (libwebsockets' {@code priority}): the
         * priority of the packets it sends, which queueing disciplines sort by (with {@code pfifo_fast}'s default
         * map, 6 and 7, {@code TC_PRIO_INTERACTIVE} and {@code TC_PRIO_CONTROL}, go first) and VLAN devices can map
         * to 802.1p. The socket gets it before it connects, so the SYN carries it too, after the
         * {@link #typeOfService(int) type of service} (on Linux, {@code IP_TOS} sets the priority as well, from the
         * TOS byte; the priority asked for wins).
         *
         * <p>java.net cannot set it, so a connection with a priority is opened through the Foreign Function and
         * Memory API instead, with every other option here honoured the same way: it needs Java 22 or later, Linux,
         * and native access granted to the client's module as for {@link #abstractUnixSocket(String)}. Both are
         * checked here, when the option is set. Without {@code CAP_NET_ADMIN} (or {@code CAP_NET_RAW}) the kernel
         * takes 0 to 6 only: with 7, each connection then fails with {@link UnsupportedSocketOptionException}
         * naming {@code SO_PRIORITY}, the value and the kernel's "Operation not permitted".
         *
         * @throws IllegalArgumentException for a value outside 0..7
         * @throws UnsupportedSocketOptionException on Java 21 (no Foreign Function and Memory API) or on a system
         *     other than Linux, saying which
         */
        public Builder priority(int priority) {
            if (priority < 0 || priority > 7) {
                throw new IllegalArgumentException("priority must be 0..7 (SO_PRIORITY): " + priority);
            }
            PrioritySockets.requireSupported();
            this.priority = priority;
            return this;
        }

        /**
         * Connects every connection to this Unix domain socket (curl's {@code --unix-socket}): no DNS and no TCP;
         * the URL still gives the Host field, and TLS, when the URL is https, runs over the socket with the host
         * verified. For a Linux abstract name, see {@link #abstractUnixSocket(String)}.
         */
        public Builder unixSocket(Path path) {
            this.unixSocket = Objects.requireNonNull(path, "unixSocket");
            return this;
        }

        /**
         * Connects every connection to the Unix domain socket with this Linux abstract name (curl's
         * {@code --abstract-unix-socket}): the name without the NUL byte that starts it in {@code sun_path}, at most
         * 107 bytes in UTF-8; otherwise as {@link #unixSocket(Path)}. The JDK cannot express such a name, so the
         * client makes the socket calls through the Foreign Function and Memory API: it needs Java 22 or later
         * (on Java 21 a connection fails with {@link UnsupportedSocketOptionException}), Linux, and native access
         * granted to the module that holds the client ({@code --enable-native-access=dev.wisp.client} on the module
         * path, {@code --enable-native-access=ALL-UNNAMED} on the class path), or else the JDK prints a warning.
         */
        public Builder abstractUnixSocket(String name) {
            this.abstractUnixSocket = Objects.requireNonNull(name, "abstractUnixSocket");
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

        /**
         * Sets {@code SO_REUSEADDR} on each TCP socket before it binds (libwebsockets' {@code
         * LCCSCF_ALLOW_REUSE_ADDR}): a {@link #localPort(int) local port} can then be bound again while an earlier
         * connection from it that also set the option waits out TCP's TIME_WAIT, instead of failing with "Address
         * already in use" for up to a minute. A new connection from the port must still go to another address or
         * port than the one in TIME_WAIT. Off by default.
         */
        public Builder reuseAddress(boolean reuse) {
            this.reuseAddress = reuse;
            return this;
        }

        public Builder ipPreference(IpPreference preference) {
            this.ipPreference = Objects.requireNonNull(preference, "ipPreference");
            return this;
        }

        /**
         * @throws IllegalArgumentException for a port outside 0..65535, binding, address reuse, a type of service or a
         *     priority with a Unix socket, both a path and an abstract name, or an abstract name that is empty or
         *     longer than 107 bytes
         */
        public SocketOptions build() {
            if (unixSocket != null && abstractUnixSocket != null) {
                throw new IllegalArgumentException("unixSocket and abstractUnixSocket exclude each other");
            }
            if (abstractUnixSocket != null && (abstractUnixSocket.isEmpty()
                    || abstractUnixSocket.getBytes(StandardCharsets.UTF_8).length > MAX_ABSTRACT_NAME_BYTES)) {
                throw new IllegalArgumentException("an abstract Unix socket name takes 1 to " + MAX_ABSTRACT_NAME_BYTES
                        + " bytes in UTF-8: '" + abstractUnixSocket + "'");
            }
            boolean unix = unixSocket != null || abstractUnixSocket != null;
            if (unix && (localAddress != null || localPort != 0)) {
                throw new IllegalArgumentException("a Unix domain socket takes no local address or port");
            }
            if (unix && reuseAddress) {
                throw new IllegalArgumentException("reuseAddress (SO_REUSEADDR) is for TCP sockets, not a Unix"
                        + " domain socket");
            }
            if (unix && typeOfService >= 0) {
                throw new IllegalArgumentException("a Unix domain socket has no IP type of service");
            }
            if (unix && priority >= 0) {
                throw new IllegalArgumentException("priority (SO_PRIORITY) is for TCP sockets, not a Unix domain"
                        + " socket");
            }
            if (connectionAttemptDelay.compareTo(Duration.ofMillis(10)) < 0
                    || connectionAttemptDelay.compareTo(Duration.ofSeconds(2)) > 0) {
                throw new IllegalArgumentException("connectionAttemptDelay must be 10 ms to 2 s: "
                        + connectionAttemptDelay);
            }
            if (localPort < 0 || localPort > 65535) {
                throw new IllegalArgumentException("localPort must be 0..65535: " + localPort);
            }
            return new SocketOptions(this);
        }
    }
}
