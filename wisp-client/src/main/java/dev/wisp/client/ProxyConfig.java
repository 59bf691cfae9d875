package dev.wisp.client;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * An HTTP proxy every connection of a client goes through: https origins through a {@code CONNECT} tunnel (RFC 9110
 * §9.3.6; the proxy sees only the host and port, TLS runs end to end), http origins with requests in absolute-form
 * (RFC 9112 §3.2.2). Proxy credentials go only to the proxy, as {@code Proxy-Authorization: Basic}: on the
 * {@code CONNECT} for a tunnel, on each request otherwise; never to an origin. A {@code 407} from the proxy fails
 * the call with {@link ProxyAuthenticationException}, carrying the proxy's response head. Hosts on the
 * {@link #withBypass(String) bypass list} are reached directly.
 *
 * <p>Immutable.
 */
public final class ProxyConfig {
    private final String host;
    private final int port;
    private final Credentials credentials;
    /** Hosts reached directly: lower case, without leading dots; "*" for all. */
    private final List<String> bypass;

    private ProxyConfig(String host, int port, Credentials credentials, List<String> bypass) {
        this.host = host;
        this.port = port;
        this.credentials = credentials;
        this.bypass = bypass;
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
        return new ProxyConfig(host.toLowerCase(Locale.ROOT), port, null, List.of());
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
        return new ProxyConfig(host, port, Credentials.basic(user, password), bypass);
    }

    /**
     * This proxy, bypassed for the hosts of a list in curl's {@code --noproxy} / {@code NO_PROXY} form: names
     * separated by commas (spaces around them ignored); a name matches itself and every name under it
     * ({@code example.com} and {@code .example.com} both match {@code example.com} and {@code www.example.com}, not
     * {@code badexample.com}); an IP address matches itself (IPv6 with or without brackets); {@code *} alone
     * matches every host. Case does not matter. Ranges in CIDR notation are not understood and match nothing.
     */
    public ProxyConfig withBypass(String noProxyList) {
        Objects.requireNonNull(noProxyList, "noProxyList");
        List<String> hosts = new ArrayList<>();
        for (String entry : noProxyList.split(",")) {
            String name = normalized(entry.strip());
            while (name.startsWith(".")) {
                name = name.substring(1);
            }
            if (!name.isEmpty()) {
                hosts.add(name);
            }
        }
        return new ProxyConfig(host, port, credentials, List.copyOf(hosts));
    }

    /** Whether a connection to this host goes around the proxy, by the {@link #withBypass(String) bypass list}. */
    public boolean bypasses(String originHost) {
        String name = normalized(originHost);
        for (String entry : bypass) {
            if (entry.equals("*") || name.equals(entry) || name.endsWith("." + entry)) {
                return true;
            }
        }
        return false;
    }

    /** Lower case, an IPv6 literal without brackets, a fully qualified name (as DNS writes it) without its dot. */
    private static String normalized(String host) {
        String name = host.toLowerCase(Locale.ROOT);
        if (name.startsWith("[") && name.endsWith("]")) {
            name = name.substring(1, name.length() - 1);
        }
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }

    /** Whether the proxy has credentials to send. */
    public boolean hasCredentials() {
        return credentials != null;
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
        return "http proxy " + host + ":" + port + (credentials != null ? " (with credentials)" : "")
                + (bypass.isEmpty() ? "" : " bypassed for " + String.join(",", bypass));
    }
}
