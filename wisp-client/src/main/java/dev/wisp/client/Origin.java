package dev.wisp.client;

import dev.wisp.core.Authority;
import java.net.URI;
import java.util.Locale;
import java.util.Objects;

/**
 * Where a connection goes: TLS or plaintext, host and port. TLS is the default everywhere; plaintext is asked for
 * by name ({@link #plaintext(String, int)}) or by an {@code http:} URI.
 *
 * @param isTls whether the connection runs TLS
 * @param host a DNS name or an IP literal (IPv6 without brackets)
 * @param port 1..65535
 */
public record Origin(boolean isTls, String host, int port) {
    public Origin {
        Objects.requireNonNull(host, "host");
        if (host.isEmpty()) {
            throw new IllegalArgumentException("host must not be empty");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535: " + port);
        }
        host = host.toLowerCase(Locale.ROOT);
    }

    /** A TLS origin, verified against the host name. */
    public static Origin tls(String host, int port) {
        return new Origin(true, host, port);
    }

    /** A plaintext origin: nothing is encrypted or verified. */
    public static Origin plaintext(String host, int port) {
        return new Origin(false, host, port);
    }

    /**
     * The origin of an {@code https:} (TLS) or {@code http:} (plaintext) URI, with the scheme's default port.
     *
     * @throws IllegalArgumentException for another scheme or a URI without a host
     */
    public static Origin of(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean tls = switch (scheme) {
            case "https" -> true;
            case "http" -> false;
            default -> throw new IllegalArgumentException("URI scheme must be http or https: " + uri);
        };
        String host = Authority.hostOf(uri); // a name with '_' or non-ASCII letters too, which URI finds no host in
        if (host == null) {
            throw new IllegalArgumentException("URI has no host: " + uri);
        }
        int port = Authority.portOf(uri);
        port = port >= 0 ? port : tls ? 443 : 80;
        return new Origin(tls, host, port);
    }

    /*
     * equals and hashCode written out: a record's own go through method handles, whose first calls, and the
     * customization that comes after a hundred or so, take memory. An origin is the key of the pool's maps, looked up
     * while a connection is given back, which must work under a full heap (ClientMemoryExhaustionIT).
     */
    @Override
    public boolean equals(Object other) {
        return other instanceof Origin that && isTls == that.isTls && port == that.port && host.equals(that.host);
    }

    @Override
    public int hashCode() {
        return (host.hashCode() * 31 + port) * 2 + (isTls ? 1 : 0);
    }

    /** The scheme, {@code https} or {@code http}. */
    public String scheme() {
        return isTls ? "https" : "http";
    }

    /** The Host field for this origin: the port only when it is not the scheme's default. */
    public String hostField() {
        String name = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return port == (isTls ? 443 : 80) ? name : name + ":" + port;
    }

    /**
     * A URI on this origin, for building requests.
     *
     * @param pathAndQuery an origin-form target, starting with "/"
     * @throws IllegalArgumentException if it does not start with "/" or is not a valid URI path and query
     */
    public URI uri(String pathAndQuery) {
        if (!pathAndQuery.startsWith("/")) {
            throw new IllegalArgumentException("path must start with '/': " + pathAndQuery);
        }
        String name = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return URI.create(scheme() + "://" + name + ":" + port + pathAndQuery);
    }

    @Override
    public String toString() {
        return scheme() + "://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
