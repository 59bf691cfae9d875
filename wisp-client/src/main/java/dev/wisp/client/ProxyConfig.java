package dev.wisp.client;

import dev.wisp.core.Authority;
import dev.wisp.core.IpAddresses;
import dev.wisp.tls.TlsConfig;
import dev.wisp.tls.TlsContext;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A proxy every connection of a client goes through, of one of the {@link Type types}.
 *
 * <p>An HTTP proxy: https origins through a {@code CONNECT} tunnel (RFC 9110
 * §9.3.6; the proxy sees only the host and port, TLS runs end to end), http origins with requests in absolute-form
 * (RFC 9112 §3.2.2), except a WebSocket, which a tunnel carries whatever the scheme (RFC 6455 §4.1). Proxy
 * credentials go only to the proxy, as {@code Proxy-Authorization: Basic}: on the {@code CONNECT} for a tunnel, on
 * each request otherwise; never to an origin. A {@code 407} from the proxy fails
 * the call with {@link ProxyAuthenticationException}, carrying the proxy's response head (unless
 * {@link #withChallengesReturned()}, for a forwarded request).
 *
 * <p>An HTTPS proxy ({@code https://}, curl's {@code -x https://}): an HTTP proxy spoken to over TLS, so that
 * nothing between the client and the proxy reads the requests, the credentials or the origin's name. The proxy's
 * certificate is checked as an origin's is, by {@link #tls()}: the JDK's trust store and the proxy's host name by
 * default ({@link #withTls(TlsConfig)} to trust a CA file, as curl's {@code --proxy-cacert}, or relax it, as its
 * {@code --proxy-insecure}); a failure is a {@link TlsHandshakeException} that names the proxy. Inside that TLS
 * everything is as through an HTTP proxy: an https origin through a {@code CONNECT} tunnel, with a TLS session of
 * its own to the origin inside the proxy's (TLS inside TLS, verified against the origin's name by the client's
 * own TLS configuration), an http origin in absolute-form. ALPN offers the proxy {@code http/1.1} alone.
 *
 * <p>A SOCKS5 proxy (RFC 1928): every origin, http or https, through a SOCKS {@code CONNECT}, with requests in
 * origin-form and TLS end to end (the certificate checked against the origin's name). {@link Type#SOCKS5} resolves
 * the origin's name here and sends the proxy an address, as curl's {@code socks5://}; {@link Type#SOCKS5_HOSTNAME}
 * sends the name for the proxy to resolve, as curl's {@code socks5h://}. The no-authentication method is always
 * offered, username/password (RFC 1929) too when credentials are given. A refusal fails the call with
 * {@link SocksProxyException}, which names the proxy's reply.
 *
 * <p>Hosts on the {@link #withBypass(String) bypass list} are reached directly, whatever the type.
 *
 * <p>Immutable.
 */
public final class ProxyConfig {
    /** How the client speaks to the proxy. */
    public enum Type {
        /** An HTTP proxy: {@code http://}. */
        HTTP,
        /** An HTTP proxy spoken to over TLS: {@code https://}. */
        HTTPS,
        /** A SOCKS5 proxy given the origin's address, resolved by the client: {@code socks5://}. */
        SOCKS5,
        /** A SOCKS5 proxy given the origin's name, resolved by the proxy: {@code socks5h://}. */
        SOCKS5_HOSTNAME
    }

    private final Type type;
    private final String host;
    private final int port;
    private final Credentials credentials;
    /** Hosts reached directly: lower case, without leading dots; "*" for all. */
    private final List<String> bypass;
    private final boolean returnsChallenges;
    /** The TLS to an HTTPS proxy; null for the other types. */
    private final TlsConfig tls;
    private final ReentrantLock tlsContextLock = new ReentrantLock();
    private volatile TlsContext tlsContext;

    private ProxyConfig(Type type, String host, int port, Credentials credentials, List<String> bypass,
            boolean returnsChallenges, TlsConfig tls) {
        this.type = type;
        this.host = host;
        this.port = port;
        this.credentials = credentials;
        this.bypass = bypass;
        this.returnsChallenges = returnsChallenges;
        this.tls = tls;
    }

    /**
     * A proxy at this host and port, spoken to in plaintext.
     *
     * @throws IllegalArgumentException for an empty host or a port outside 1..65535
     */
    public static ProxyConfig http(String host, int port) {
        return of(Type.HTTP, host, port);
    }

    /**
     * An HTTPS proxy at this host and port: TLS to the proxy, its certificate verified against the JDK's trust
     * store and this host name ({@link #withTls(TlsConfig)} to change that).
     *
     * @throws IllegalArgumentException for an empty host or a port outside 1..65535
     */
    public static ProxyConfig https(String host, int port) {
        return of(Type.HTTPS, host, port);
    }

    /**
     * A SOCKS5 proxy at this host and port; {@code proxyResolves} sends it the origin's name ({@code socks5h://}),
     * otherwise the client resolves the name and sends an address ({@code socks5://}).
     *
     * @throws IllegalArgumentException for an empty host or a port outside 1..65535
     */
    public static ProxyConfig socks5(String host, int port, boolean proxyResolves) {
        return of(proxyResolves ? Type.SOCKS5_HOSTNAME : Type.SOCKS5, host, port);
    }

    private static ProxyConfig of(Type type, String host, int port) {
        Objects.requireNonNull(host, "host");
        if (host.isEmpty() || port < 1 || port > 65535) {
            throw new IllegalArgumentException("proxy needs a host and a port 1..65535: " + host + ":" + port);
        }
        return new ProxyConfig(type, host.toLowerCase(Locale.ROOT), port, null, List.of(), false,
                type == Type.HTTPS ? TlsConfig.builder().build() : null);
    }

    /**
     * A proxy from a URL such as {@code http://user:password@proxy.local:3128}, {@code https://proxy.local},
     * {@code socks5://proxy.local} or {@code socks5h://user:password@proxy.local:1080} (curl's {@code -x}); without
     * a scheme, http; the port defaults to 443 for https and 1080 for the others, as curl's does.
     *
     * @throws IllegalArgumentException for a scheme other than http, https, socks5 or socks5h, or a URL without a
     *     host
     */
    public static ProxyConfig of(String url) {
        URI uri = URI.create(url.contains("://") ? url : "http://" + url);
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        Type type = switch (scheme) {
            case "http" -> Type.HTTP;
            case "https" -> Type.HTTPS;
            case "socks5" -> Type.SOCKS5;
            case "socks5h" -> Type.SOCKS5_HOSTNAME;
            default -> null;
        };
        // An IPv6 address keeps its brackets, as URI gives it; a name with '_' or non-ASCII letters is read too.
        String host = uri.getHost() != null ? uri.getHost() : Authority.hostOf(uri);
        if (type == null || host == null) {
            throw new IllegalArgumentException("proxy URL must be http://, https://, socks5:// or socks5h://"
                    + "host[:port]: " + url);
        }
        int port = Authority.portOf(uri);
        ProxyConfig proxy = of(type, host, port < 0 ? (type == Type.HTTPS ? 443 : 1080) : port);
        String userInfo = Authority.rawUserInfoOf(uri); // of a host URI reads no userinfo of, too
        if (userInfo != null) {
            Credentials given = UserInfo.credentials(userInfo);
            proxy = proxy.withCredentials(given.user(), given.secret());
        }
        return proxy;
    }

    /**
     * This proxy with credentials for it: Basic for an HTTP or HTTPS proxy, username/password (RFC 1929) for SOCKS5,
     * where each must fit in 255 bytes of UTF-8.
     *
     * @throws IllegalArgumentException for SOCKS5 credentials that are empty or too long
     */
    public ProxyConfig withCredentials(String user, String password) {
        if (isSocks()) {
            for (String part : new String[] {user, password}) {
                int length = part.getBytes(StandardCharsets.UTF_8).length;
                if (length < 1 || length > 255) {
                    throw new IllegalArgumentException("SOCKS5 user and password must each be 1..255 bytes of"
                            + " UTF-8 (RFC 1929), not " + length);
                }
            }
        }
        return new ProxyConfig(type, host, port, Credentials.basic(user, password), bypass, returnsChallenges, tls);
    }

    /**
     * This proxy, bypassed for the hosts of a list in curl's {@code --noproxy} / {@code NO_PROXY} form: names
     * separated by commas or blanks; a name matches itself and every name under it ({@code example.com} and
     * {@code .example.com} both match {@code example.com} and {@code www.example.com}, not {@code badexample.com});
     * an IP address matches itself only (IPv6 with or without brackets), and a range in CIDR notation
     * ({@code 10.0.0.0/8}, {@code fd00::/8}, as curl 7.86 and later) the addresses in it, when the host is an address
     * literal (a name is not resolved for it); a list that is {@code *} alone matches every host (a {@code *} among
     * other names matches none, as in curl). Case does not matter.
     */
    public ProxyConfig withBypass(String noProxyList) {
        Objects.requireNonNull(noProxyList, "noProxyList");
        if (noProxyList.strip().equals("*")) {
            return new ProxyConfig(type, host, port, credentials, List.of("*"), returnsChallenges, tls);
        }
        List<String> hosts = new ArrayList<>();
        for (String entry : noProxyList.split("[,\\s]+")) {
            String name = normalized(entry);
            while (name.startsWith(".")) {
                name = name.substring(1);
            }
            if (!name.isEmpty() && !name.equals("*")) {
                hosts.add(name);
            }
        }
        return new ProxyConfig(type, host, port, credentials, List.copyOf(hosts), returnsChallenges, tls);
    }

    /** Whether a connection to this host goes around the proxy, by the {@link #withBypass(String) bypass list}. */
    public boolean bypasses(String originHost) {
        String name = normalized(originHost);
        // An address is no domain (10.0.0.1 is not "under" 0.0.1): it is compared with the address entries alone.
        byte[] address = IpAddresses.literal(name);
        for (String entry : bypass) {
            if (entry.equals("*") || (address != null ? AddressRange.matches(entry, address)
                    : name.equals(entry) || name.endsWith("." + entry))) {
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

    /**
     * This proxy, with a {@code 407} it answers to a request it was to forward (an http origin's, in absolute-form)
     * returned as the call's response, as curl does, rather than failing the call with
     * {@link ProxyAuthenticationException}: for a tool that shows whatever came back. A caller that takes it for the
     * origin's answer is misled, hence not the default. A refused {@code CONNECT} still fails the call: no response
     * of the origin can follow it.
     */
    public ProxyConfig withChallengesReturned() {
        return new ProxyConfig(type, host, port, credentials, bypass, true, tls);
    }

    /**
     * This HTTPS proxy with another TLS configuration for the connection to the proxy: its trust (a CA file, as
     * curl's {@code --proxy-cacert}), protocols, relaxations ({@code insecureTrustAll()}, as curl's
     * {@code --proxy-insecure}). The default is {@code TlsConfig}'s: the JDK's trust store, the host name verified,
     * TLS 1.2 and 1.3. Its ALPN protocols are not used: the client offers the proxy {@code http/1.1} alone. The
     * client's own TLS configuration is for the origins and does not apply here, nor this one to them.
     *
     * @throws IllegalStateException if this is not an HTTPS proxy
     */
    public ProxyConfig withTls(TlsConfig tlsConfig) {
        Objects.requireNonNull(tlsConfig, "tlsConfig");
        if (type != Type.HTTPS) {
            throw new IllegalStateException("only an https:// proxy has a TLS configuration, not " + this);
        }
        return new ProxyConfig(type, host, port, credentials, bypass, returnsChallenges, tlsConfig);
    }

    /** The TLS configuration of the connection to an HTTPS proxy; empty for the other types. */
    public Optional<TlsConfig> tls() {
        return Optional.ofNullable(tls);
    }

    /**
     * The TLS context made from {@link #tls()}, once per configuration, so that the connections to the proxy share
     * its session cache.
     *
     * @throws IllegalStateException if this is not an HTTPS proxy
     */
    public TlsContext tlsContext() {
        if (tls == null) {
            throw new IllegalStateException("only an https:// proxy has a TLS context, not " + this);
        }
        TlsContext made = tlsContext;
        if (made == null) {
            tlsContextLock.lock();
            try {
                if (tlsContext == null) {
                    tlsContext = TlsContext.create(tls);
                }
                made = tlsContext;
            } finally {
                tlsContextLock.unlock();
            }
        }
        return made;
    }

    /** Whether a {@code 407} to a forwarded request is returned as the response: {@link #withChallengesReturned()}. */
    public boolean returnsChallenges() {
        return returnsChallenges;
    }

    /** Whether the proxy has credentials to send. */
    public boolean hasCredentials() {
        return credentials != null;
    }

    /** How the client speaks to the proxy. */
    public Type type() {
        return type;
    }

    /** Whether this is a SOCKS5 proxy, of either type. */
    public boolean isSocks() {
        return type == Type.SOCKS5 || type == Type.SOCKS5_HOSTNAME;
    }

    /** Whether the connection to the proxy itself is TLS: an HTTPS proxy. */
    public boolean isTls() {
        return type == Type.HTTPS;
    }

    /**
     * Whether requests to the origin are sent to this proxy in absolute-form (RFC 9112 §3.2.2), which is the case
     * for an HTTP or HTTPS proxy and an http origin; otherwise (an https origin, a SOCKS proxy) they go through a
     * tunnel.
     */
    public boolean forwardsRequests(Origin origin) {
        return !isSocks() && !origin.isTls();
    }

    /** The user and password for the proxy, if it has credentials. */
    public Optional<Credentials> credentials() {
        return Optional.ofNullable(credentials);
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** The {@code Proxy-Authorization} value, if this is an HTTP or HTTPS proxy with credentials. */
    public Optional<String> authorization() {
        return !isSocks() ? Optional.ofNullable(credentials).map(Credentials::basicAuthorization)
                : Optional.empty();
    }

    @Override
    public String toString() {
        String kind = switch (type) {
            case HTTP -> "http";
            case HTTPS -> "https";
            case SOCKS5 -> "socks5";
            case SOCKS5_HOSTNAME -> "socks5h";
        };
        return kind + " proxy " + host + ":" + port + (credentials != null ? " (with credentials)" : "")
                + (bypass.isEmpty() ? "" : " bypassed for " + String.join(",", bypass));
    }
}
