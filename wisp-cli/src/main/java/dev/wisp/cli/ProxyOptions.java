package dev.wisp.cli;

import dev.wisp.client.ClientConfig;
import dev.wisp.client.ProxyConfig;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The proxy of {@code wisp get}, chosen as curl chooses it. {@code -x URL} goes through an HTTP or SOCKS5 proxy
 * (port 1080 unless given), {@code --socks5 HOST:PORT} and {@code --socks5-hostname HOST:PORT} through a SOCKS5 proxy
 * given the origin's address or its name; {@code -x ""} goes through none. Without these, the environment names the
 * proxy of each scheme: {@code http_proxy} for http origins (in lower case only: a CGI program's environment holds
 * a request's {@code Proxy} field as {@code HTTP_PROXY}), {@code https_proxy} or {@code HTTPS_PROXY} for https ones,
 * and {@code all_proxy} or {@code ALL_PROXY} for either; a variable set to nothing counts as unset. {@code -U} gives
 * the chosen proxy's credentials; {@code --noproxy LIST}, else {@code no_proxy} or {@code NO_PROXY}, names the hosts
 * reached without it, whichever way it was chosen.
 */
final class ProxyOptions {
    static final List<Option> OPTIONS = List.of(
            new Option("--proxy", "-x", "URL", "go through the proxy http://, socks5:// (the client resolves the"
                    + " host) or socks5h:// (the proxy does) [user:password@]host[:port]; \"\": none, not even"
                    + " the environment's (http_proxy, https_proxy, all_proxy)"),
            new Option("--socks5", null, "HOST:PORT", "go through this SOCKS5 proxy, sending the host's address"),
            new Option("--socks5-hostname", null, "HOST:PORT", "go through this SOCKS5 proxy, sending the host's"
                    + " name"),
            new Option("--proxy-user", "-U", "USER:PASSWORD", "credentials for the proxy (Basic, or SOCKS5"
                    + " username/password)"),
            new Option("--noproxy", null, "LIST", "hosts reached without the proxy: names (and the names under"
                    + " them), addresses, or *; in place of the environment's no_proxy"));
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
     * @param scheme the URL's scheme: a variable that names no proxy fails the command only when it is the one
     *     this scheme's requests would use; another is left out, as curl reads it only for a request that needs it
     * @throws UsageException for proxy options that do not go together or do not parse
     * @throws ProxyVariableException for the scheme's proxy variable naming no proxy
     */
    static void apply(Arguments parsed, Map<String, String> environment, String scheme, ClientConfig.Builder config)
            throws UsageException, ProxyVariableException {
        List<String> given = FLAGS.stream().filter(parsed::has).toList();
        if (given.size() > 1) {
            throw new UsageException("options " + String.join(" and ", given) + " exclude each other");
        }
        String noProxy = parsed.has("--noproxy") ? parsed.value("--noproxy").orElseThrow()
                : variable(environment, "no_proxy");
        if (!given.isEmpty()) {
            String flag = given.getFirst();
            String value = parsed.value(flag).orElseThrow();
            if (!value.isEmpty()) {
                try {
                    config.proxy(finish(ProxyConfig.of(switch (flag) {
                        case "--socks5" -> "socks5://" + value;
                        case "--socks5-hostname" -> "socks5h://" + value;
                        default -> value;
                    }), parsed, noProxy));
                } catch (IllegalArgumentException e) {
                    throw new UsageException("option " + flag + ": " + e.getMessage());
                }
            }
            return; // as curl's, -x "" goes through no proxy, the environment's neither
        }
        for (String each : List.of("http", "https")) {
            // RFC 3875 §4.1.18: a CGI program finds the request's Proxy field in HTTP_PROXY, so curl reads no such.
            String name = each + "_proxy";
            String value = each.equals("http") ? nonEmpty(environment.get(name)) : variable(environment, name);
            if (value == null) {
                name = "all_proxy";
                value = variable(environment, name);
            }
            if (value == null) {
                continue;
            }
            try {
                config.proxy(each, finish(ProxyConfig.of(value), parsed, noProxy));
            } catch (IllegalArgumentException e) {
                if (each.equals(scheme.toLowerCase(Locale.ROOT))) {
                    throw new ProxyVariableException("environment variable " + name + ": " + e.getMessage());
                }
            }
        }
    }

    /**
     * The proxy with -U's credentials and the bypass list, if given; as curl, a 407 to a forwarded request is the
     * response to show (and exit 0 with, or 22 with -f), not a failure.
     */
    private static ProxyConfig finish(ProxyConfig proxy, Arguments parsed, String noProxy) throws UsageException {
        ProxyConfig finished = proxy.withChallengesReturned();
        if (parsed.has("--proxy-user")) {
            String pair = parsed.value("--proxy-user").orElseThrow();
            int colon = pair.indexOf(':');
            if (colon < 0) {
                throw new UsageException("option --proxy-user needs USER:PASSWORD");
            }
            finished = finished.withCredentials(pair.substring(0, colon), pair.substring(colon + 1));
        }
        return noProxy == null ? finished : finished.withBypass(noProxy);
    }

    /** A variable by its lower-case name, else its upper-case one, as curl reads them; null when both are empty. */
    private static String variable(Map<String, String> environment, String lowerCaseName) {
        String value = nonEmpty(environment.get(lowerCaseName));
        return value != null ? value : nonEmpty(environment.get(lowerCaseName.toUpperCase(Locale.ROOT)));
    }

    private static String nonEmpty(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
