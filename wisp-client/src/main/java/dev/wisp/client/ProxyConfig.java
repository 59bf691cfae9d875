package dev.wisp.client;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * An HTTP proxy every connection of a client goes through: https origins through a {@code CONNECT} tunnel (RFC 9110
 * §9.3.6; the proxy sees only the host and port, TLS runs end to end), http origins with requests in absolute-form
 * (RFC 9112 §3.2.2). Proxy credentials go only to the proxy, as {@code Proxy-Authorization: Basic}: on the
 * {@code CONNECT} for a tunnel, on each request otherwise; never to an origin.
 *
 * <p>Immutable.
 */
public final class ProxyConfig {
    private final String host;
    private final int port;
    private final Credentials credentials;

    private ProxyConfig(String host, int port, Credentials credentials) {
        this.host = host;
        this.port = port;
        this.credentials = credentials;
    }

    /**
     * A proxy at this host and port, spoken to in plaintext.
     *
     * @throws IllegalArgumentException for an empty host or a port outside 1..65535
     */
    public static ProxyConfig http(String host, int port) {
        Objects.requireNonNull(host, "host");
        if (host.isEmpty() || port < 1 || port > 65535) {
            throw new IllegalArgumentException("proxy needs a host and a port 1..65535: " + host + ":" + port);
        }
        return new ProxyConfig(host.toLowerCase(Locale.ROOT), port, null);
    }

    /**
     * A proxy from a URL such as {@code http://user:password@proxy.local:3128} (curl's {@code -x}); the port
     * defaults to 1080 as curl's does.
     *
     * @throws IllegalArgumentException for a scheme other than http or a URL without a host
     */
    public static ProxyConfig of(String url) {
        URI uri = URI.create(url.contains("://") ? url : "http://" + url);
        if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("proxy URL must be http://host[:port]: " + uri.getScheme() + "://"
                    + uri.getHost());
        }
        ProxyConfig proxy = http(uri.getHost(), uri.getPort() < 0 ? 1080 : uri.getPort());
        if (uri.getRawUserInfo() != null) {
            Credentials given = UserInfo.credentials(uri.getRawUserInfo());
            proxy = proxy.withCredentials(given.user(), given.secret());
        }
        return proxy;
    }

    /** This proxy with Basic credentials for it. */
    public ProxyConfig withCredentials(String user, String password) {
        return new ProxyConfig(host, port, Credentials.basic(user, password));
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** The {@code Proxy-Authorization} value, if the proxy has credentials. */
    public Optional<String> authorization() {
        return Optional.ofNullable(credentials).map(Credentials::basicAuthorization);
    }

    @Override
    public String toString() {
        return "http proxy " + host + ":" + port + (credentials != null ? " (with credentials)" : "");
    }
}
