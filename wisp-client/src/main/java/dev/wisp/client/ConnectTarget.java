package dev.wisp.client;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Where the client opens the network connection for an origin, in place of the origin's own host and port (curl's
 * {@code --connect-to}): a node of a cluster behind one name, a server not yet in DNS, a port mapped elsewhere. Only
 * the connection goes there: TLS (SNI, the certificate's verification, pins), the request's {@code Host} and the
 * pool still speak of the origin. Through a proxy the tunnel (CONNECT, SOCKS5) goes there; a proxy that forwards
 * plaintext requests does its own connecting.
 *
 * <p>Implementations must be thread-safe and quick: the client asks as each connection opens.
 */
@FunctionalInterface
public interface ConnectTarget {
    /** Connects to the origin itself. */
    ConnectTarget ORIGIN = origin -> origin;

    /**
     * The host and port to connect to for the origin (whose {@link Origin#isTls()} the result's is ignored for); the
     * origin itself for none other.
     */
    Origin of(Origin origin);

    /**
     * The first rule that matches the origin, curl's way: {@code host} and {@code port} match the origin's, each
     * (null, 0) any; {@code toHost} and {@code toPort} say where to connect, each (null, 0) the origin's own.
     *
     * @param host the origin's host, in any case (IPv6 literals without brackets), or null for any
     * @param port the origin's port, or 0 for any
     * @param toHost the host to connect to (IPv6 literals without brackets), or null for the origin's
     * @param toPort the port to connect to, or 0 for the origin's
     */
    record Rule(String host, int port, String toHost, int toPort) {
        public Rule {
            if (port < 0 || port > 65535 || toPort < 0 || toPort > 65535) {
                throw new IllegalArgumentException("a port is 1..65535, or 0 for any (the origin's)");
            }
            host = host == null || host.isEmpty() ? null : host.toLowerCase(Locale.ROOT);
            toHost = toHost == null || toHost.isEmpty() ? null : toHost;
        }

        boolean matches(Origin origin) {
            return (host == null || host.equals(origin.host())) && (port == 0 || port == origin.port());
        }
    }

    /** Connects where the first matching rule says, and to the origin itself if none matches. */
    static ConnectTarget rules(List<Rule> rules) {
        List<Rule> frozen = List.copyOf(Objects.requireNonNull(rules, "rules"));
        return origin -> {
            for (Rule rule : frozen) {
                if (rule.matches(origin)) {
                    return new Origin(origin.isTls(), rule.toHost() != null ? rule.toHost() : origin.host(),
                            rule.toPort() != 0 ? rule.toPort() : origin.port());
                }
            }
            return origin;
        };
    }
}
