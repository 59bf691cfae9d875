package dev.wisp.client;

import dev.wisp.client.internal.LocalhostNames;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Turns a host name into the addresses to connect to. {@link #SYSTEM} asks the JDK (hosts file, then DNS); a
 * resolver of one's own serves names the system does not know, as curl's {@code --resolve} does, or pins a name to
 * addresses for a test. The addresses are then tried as {@link SocketOptions} orders them, by Happy Eyeballs.
 *
 * <p>Implementations must be thread-safe; the client calls them on a virtual thread of their own, bounded by the
 * connect timeout.
 */
@FunctionalInterface
public interface Resolver {
    /**
     * The JDK's resolver ({@link InetAddress#getAllByName(String)}), but for the names under {@code localhost}
     * ({@code app.localhost}), which are both loopback addresses, 127.0.0.1 and ::1, without asking DNS, as RFC 6761
     * §6.3 asks and browsers and curl resolve them (they went to DNS before 2026-12-06, which knew none).
     * {@code localhost} itself is what the hosts file says, as before.
     */
    Resolver SYSTEM = (host, port) -> LocalhostNames.isUnderLocalhost(host) ? LocalhostNames.loopback(host)
            : List.of(InetAddress.getAllByName(host));

    /**
     * The addresses of the host, for a connection to this port; at least one.
     *
     * @throws UnknownHostException if the name has no address
     */
    List<InetAddress> resolve(String host, int port) throws UnknownHostException;

    /**
     * Fixed addresses for some hosts on some ports (curl's {@code --resolve host:port:address}), the
     * {@code fallback} for every other.
     *
     * @param entries addresses by {@code host:port} (host in any case; IPv6 literals without brackets)
     */
    static Resolver fixed(Map<String, List<InetAddress>> entries, Resolver fallback) {
        Objects.requireNonNull(fallback, "fallback");
        Map<String, List<InetAddress>> byKey = new java.util.HashMap<>();
        entries.forEach((key, addresses) -> {
            if (addresses.isEmpty()) {
                throw new IllegalArgumentException("no address for " + key);
            }
            byKey.put(key.toLowerCase(Locale.ROOT), List.copyOf(addresses));
        });
        Map<String, List<InetAddress>> frozen = Map.copyOf(byKey);
        return (host, port) -> {
            List<InetAddress> fixed = frozen.get(host.toLowerCase(Locale.ROOT) + ":" + port);
            return fixed != null ? fixed : fallback.resolve(host, port);
        };
    }
}
