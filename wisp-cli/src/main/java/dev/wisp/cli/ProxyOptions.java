package dev.wisp.cli;

import dev.wisp.client.ClientConfig;
import dev.wisp.client.ProxyConfig;
import dev.wisp.core.Authority;
import dev.wisp.tls.TlsConfig;
import dev.wisp.tls.TlsConfigException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The proxy of {@code wisp get} and {@code wisp ws}, chosen as curl chooses it. {@code -x URL} goes through an HTTP,
 * HTTPS or SOCKS5 proxy (port 443 for https://, else 1080, unless given), {@code --socks5 HOST:PORT} and
 * {@code --socks5-hostname HOST:PORT} through a SOCKS5 proxy given the origin's address or its name; {@code -x ""}
 * goes through none. Without these, the environment names the proxy of each scheme: {@code http_proxy} for http
 * origins (in lower case only: a CGI program's environment holds a request's {@code Proxy} field as
 * {@code HTTP_PROXY}), {@code https_proxy} or {@code HTTPS_PROXY} for https ones, and {@code all_proxy} or
 * {@code ALL_PROXY} for either; a variable set to nothing counts as unset. A WebSocket's ws: is http here, and wss:
 * https, as for curl. {@code -U} gives the chosen proxy's credentials; {@code --noproxy LIST}, else
 * {@code no_proxy} or {@code NO_PROXY}, names the hosts reached without it, whichever way it was chosen. An HTTPS
 * proxy's certificate is verified against the JDK's CA certificates and the proxy's name, or by
 * {@code --proxy-cacert FILE}'s, or not at all with {@code --proxy-insecure}, and {@code --proxy-pinnedpubkey}
 * requires one of its public keys; the origin's TLS options ({@code --cacert}, {@code -k}, {@code --pinnedpubkey}) do
 * not apply to the proxy, nor these to the origin, as in curl.
 */
final class ProxyOptions {
    static final List<Option> OPTIONS = List.of(
            new Option("--proxy", "-x", "URL", "go through the proxy http://, https:// (TLS to the proxy), socks5://"
                    + " (the client resolves the host) or socks5h:// (the proxy does) [user:password@]host[:port];"
                    + " \"\": none, not even the environment's (http_proxy, https_proxy, all_proxy)"),
            new Option("--socks5", null, "HOST:PORT", "go through this SOCKS5 proxy, sending the host's address"),
            new Option("--socks5-hostname", null, "HOST:PORT", "go through this SOCKS5 proxy, sending the host's"
                    + " name"),
            new Option("--proxy-user", "-U", "USER:PASSWORD", "credentials for the proxy (Basic, or SOCKS5"
                    + " username/password)"),
            new Option("--noproxy", null, "LIST", "hosts reached without the proxy: names (and the names under"
                    + " them), addresses, CIDR ranges, or *; in place of the environment's no_proxy"),
            new Option("--proxy-cacert", null, "FILE", "verify an https:// proxy with the CA certificates of this PEM"
                    + " file"),
            new Option("--proxy-insecure", null, null, "do not verify an https:// proxy's certificate or name"
                    + " (unsafe)"),
            new Option("--proxy-pinnedpubkey", null, "HASHES|FILE", "require this public key of an https:// proxy:"
                    + " sha256//BASE64[;sha256//...], or a PEM or DER public key file"));
    private static final List<String> FLAGS = List.of("--proxy", "--socks5", "--socks5-hostname");

    private ProxyOptions() {
    }

    /** A proxy variable of the environment holds what is no proxy URL: curl's exit 7, as for an unknown scheme. */
    static final class ProxyVariableException extends Exception {
        ProxyVariableException(String message) {
            super(message);
        }
    }

    /**
     * Sets the proxy the options or else the environment choose.
     *
     * @param url the URL asked for: a variable that names no proxy fails the command only when it is the one its
     *     scheme's requests would use (ws's and wss's are http's and https's) and its host is not on the bypass
     *     list; another is left out, as curl reads it only for a request that needs it (a redirect to a host that
     *     would need it then goes without a proxy, where curl would fail)
     * @throws UsageException for proxy options that do not go together or do not parse
     * @throws ProxyVariableException for the scheme's proxy variable naming no proxy
     * @throws ClientTlsOptions.TlsFileException for a {@code --proxy-cacert} file that cannot be used (curl's 77)
     */
    static void apply(Arguments parsed, Map<String, String> environment, URI url, ClientConfig.Builder config)
            throws UsageException, ProxyVariableException, ClientTlsOptions.TlsFileException {
        List<String> given = FLAGS.stream().filter(parsed::has).toList();
        if (given.size() > 1) {
            throw new UsageException("options " + String.join(" and ", given) + " exclude each other");
        }
        Variable noProxyVariable = variable(environment, "no_proxy");
        String noProxy = parsed.has("--noproxy") ? parsed.value("--noproxy").orElseThrow()
                : noProxyVariable == null ? null : noProxyVariable.value();
        TlsConfig proxyTls = proxyTls(parsed);
        if (!given.isEmpty()) {
            String flag = given.getFirst();
            String value = parsed.value(flag).orElseThrow();
            if (!value.isEmpty()) {
                ProxyConfig proxy;
                try {
                    proxy = ProxyConfig.of(switch (flag) {
                        case "--socks5" -> "socks5://" + value;
                        case "--socks5-hostname" -> "socks5h://" + value;
                        default -> value;
                    });
                } catch (IllegalArgumentException e) {
                    throw new UsageException("option " + flag + ": " + e.getMessage());
                }
                config.proxy(finish(proxy, parsed, noProxy, proxyTls));
            }
            return; // as curl's, -x "" goes through no proxy, the environment's neither
        }
        String scheme = url.getScheme().toLowerCase(Locale.ROOT);
        String requested = switch (scheme) {
            case "ws" -> "http";
            case "wss" -> "https";
            default -> scheme;
        };
        String host = Authority.hostOf(url);
        boolean bypassed = noProxy != null && host != null
                && ProxyConfig.http("bypass.check", 1).withBypass(noProxy).bypasses(host);
        for (String each : List.of("http", "https")) {
            // RFC 3875 §4.1.18: a CGI program finds the request's Proxy field in HTTP_PROXY, so curl reads no such.
            Variable chosen = each.equals("http") ? exactly(environment, "http_proxy")
                    : variable(environment, "https_proxy");
            if (chosen == null) {
                chosen = variable(environment, "all_proxy");
            }
            if (chosen == null) {
                continue;
            }
            ProxyConfig proxy;
            try {
                proxy = ProxyConfig.of(chosen.value());
            } catch (IllegalArgumentException e) {
                if (each.equals(requested) && !bypassed) {
                    throw new ProxyVariableException("environment variable " + chosen.name() + ": " + e.getMessage());
                }
                continue;
            }
            config.proxy(each, finish(proxy, parsed, noProxy, proxyTls));
        }
    }

    /**
     * The TLS to an https:// proxy that {@code --proxy-cacert}, {@code --proxy-insecure},
     * {@code --proxy-pinnedpubkey} and {@code --connect-timeout} ask for (which covers the proxy's handshake too, as
     * curl's); null for the default.
     */
    private static TlsConfig proxyTls(Arguments parsed) throws UsageException, ClientTlsOptions.TlsFileException {
        if (!parsed.has("--proxy-cacert") && !parsed.has("--proxy-insecure") && !parsed.has("--proxy-pinnedpubkey")
                && !parsed.has("--connect-timeout")) {
            return null;
        }
        TlsConfig.Builder tls = TlsConfig.builder();
        parsed.value("--proxy-cacert").map(Path::of).ifPresent(tls::trustedCertificates);
        if (parsed.has("--proxy-insecure")) {
            tls.insecureTrustAll();
        }
        ClientTlsOptions.pinPublicKeys(tls, parsed, "--proxy-pinnedpubkey");
        if (parsed.has("--connect-timeout")) {
            tls.handshakeTimeout(ClientFlags.seconds(parsed, "--connect-timeout"));
        }
        try {
            return tls.build();
        } catch (TlsConfigException e) {
            throw new ClientTlsOptions.TlsFileException("proxy CA certificates "
                    + parsed.value("--proxy-cacert").orElse("") + ": " + e.getMessage(), ExitCodes.CA_FILE_FAILED);
        }
    }

    /**
     * The proxy with -U's credentials, the bypass list and an https:// proxy's TLS options, if given; as curl, a 407
     * to a forwarded request is the response to show (and exit 0 with, or 22 with -f), not a failure.
     */
    private static ProxyConfig finish(ProxyConfig proxy, Arguments parsed, String noProxy, TlsConfig proxyTls)
            throws UsageException {
        ProxyConfig finished = proxy.withChallengesReturned();
        if (parsed.has("--proxy-user")) {
            String pair = parsed.value("--proxy-user").orElseThrow();
            int colon = pair.indexOf(':');
            if (colon < 0) {
                throw new UsageException("option --proxy-user needs USER:PASSWORD");
            }
            try {
                finished = finished.withCredentials(pair.substring(0, colon), pair.substring(colon + 1));
            } catch (IllegalArgumentException e) {
                throw new UsageException("option --proxy-user: " + e.getMessage());
            }
        }
        if (proxyTls != null && finished.isTls()) {
            finished = finished.withTls(proxyTls);
        }
        return noProxy == null ? finished : finished.withBypass(noProxy);
    }

    /** A variable of the environment, by the name it was found under. */
    private record Variable(String name, String value) {
    }

    /** A variable by its lower-case name, else its upper-case one, as curl reads them; null when both are empty. */
    private static Variable variable(Map<String, String> environment, String lowerCaseName) {
        Variable lower = exactly(environment, lowerCaseName);
        return lower != null ? lower : exactly(environment, lowerCaseName.toUpperCase(Locale.ROOT));
    }

    /** The variable of exactly this name; null when it is unset or empty. */
    private static Variable exactly(Map<String, String> environment, String name) {
        String value = environment.get(name);
        return value == null || value.isEmpty() ? null : new Variable(name, value);
    }
}
