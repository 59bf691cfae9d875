package dev.wisp.cli;

import dev.wisp.client.ClientConfig;
import dev.wisp.client.SocketOptions;
import dev.wisp.proxy.ReverseProxy;
import dev.wisp.proxy.WebSocketRelay;
import dev.wisp.server.Router;
import dev.wisp.server.filters.Cors;
import dev.wisp.tls.TlsConfig;
import dev.wisp.tls.TlsConfigException;
import dev.wisp.websocket.WebSocketConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The reverse proxies of {@code wisp serve}: {@code --proxy PREFIX=URL} sends every request under PREFIX, and every
 * WebSocket, to URL with PREFIX taken off ({@code --proxy /api=http://127.0.0.1:9000} sends {@code /api/users} as
 * {@code /users}; {@code =http://127.0.0.1:9000/api} keeps it), as a front-end's development server proxies its
 * API; several URLs separated by commas share the requests in turn; {@code http://unix:SOCKET:} is an upstream on a
 * Unix domain socket ({@link UnixUpstream}). Such routes come before the files and {@code /echo}.
 * {@code --proxy-cacert FILE} verifies https upstreams with these CA certificates instead of the JDK's. With
 * {@code --cors}, the upstream's CORS fields are not relayed: the filter in front sets them.
 */
final class ServeProxies {
    static final List<Option> OPTIONS = List.of(
            new Option("--proxy", null, "PREFIX=URL", "send requests and WebSockets under PREFIX to URL, PREFIX"
                    + " taken off (repeatable; e.g. /api=http://127.0.0.1:9000; URL,URL... to share them in turn;"
                    + " http://unix:SOCKET: for a Unix domain socket, as nginx writes it)"),
            new Option("--proxy-cacert", null, "FILE", "verify https upstreams of --proxy with the CA"
                    + " certificates of this PEM file"));
    /**
     * The relayed WebSockets: messages up to 16 MiB, as a browser's page may send large ones; no subprotocols of its
     * own, so that those the client offers all go to the upstream, which chooses; and a ping after 30 s of silence on
     * either side (a peer that does not answer within the pong timeout ends the relay), so that a client gone without
     * a word (a laptop shut, a network changed) does not hold its upstream WebSocket open for good.
     */
    private static final WebSocketConfig WEBSOCKETS = WebSocketConfig.builder().maxFrameBytes(16 << 20)
            .maxMessageBytes(16 << 20).pingInterval(Duration.ofSeconds(30)).build();

    private ServeProxies() {
    }

    /**
     * The routes {@link #addRoutes} added.
     *
     * @param lines what goes where, a line for each route, to print once serving
     * @param everyPath whether a route takes every path ({@code /=URL}): {@code wisp serve} is then a reverse proxy in
     *     front of one server, and serves no files of its own
     */
    record Routes(List<String> lines, boolean everyPath, List<String> prefixes) {
        /** Whether a proxy's route takes the path: it is its prefix, or below it. */
        boolean takes(String path) {
            for (String prefix : prefixes) {
                String base = strip(prefix);
                if (path.equals(base) || path.startsWith(base + "/")) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Whether two prefixes name the same paths: {@code /api} and {@code /api/} do. */
    private static boolean samePrefix(String one, String other) {
        return strip(one).equals(strip(other));
    }

    private static String strip(String prefix) {
        return prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
    }

    /** How many segments a --proxy value's prefix has; a value without '=' has none, and is refused later. */
    private static int prefixDepth(String value) {
        int equals = value.indexOf('=');
        String prefix = equals < 0 ? "" : value.substring(0, equals);
        return (int) prefix.chars().filter(c -> c == '/').count() - (prefix.endsWith("/") ? 1 : 0);
    }

    /**
     * Adds a route per {@code --proxy} to the router. The proxies live as long as the process. A WebSocket is relayed
     * for the server's own pages and those of {@code crossOrigins} ({@code --cors}), as {@code /ws} is: with
     * {@code --auth} in front, the upstream takes whatever comes through as the user's, without the credentials,
     * which were for this server.
     *
     * @throws UsageException for a value that is not PREFIX=URL with an http(s) URL, or an unreadable CA file
     */
    static Routes addRoutes(Router.Builder router, Arguments arguments, List<String> crossOrigins)
            throws UsageException {
        // The longest prefix first, as nginx chooses among its locations: /api/v2 before /api, / last. In the order
        // given, a shorter prefix's route would take the longer one's paths (the router refuses that).
        List<String> values = arguments.values("--proxy").stream()
                .sorted(java.util.Comparator.comparingInt(ServeProxies::prefixDepth).reversed()).toList();
        if (values.isEmpty()) {
            if (arguments.has("--proxy-cacert")) {
                throw new UsageException("option --proxy-cacert needs --proxy");
            }
            return new Routes(List.of(), false, List.of());
        }
        ClientConfig client = clientConfig(arguments);
        List<ReverseProxy> proxies = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        List<String> prefixes = new ArrayList<>();
        boolean everyPath = false;
        for (String value : values) {
            int equals = value.indexOf('=');
            String prefix = equals < 0 ? "" : value.substring(0, equals);
            if (!prefix.startsWith("/")) {
                throw new UsageException("option --proxy: expected PREFIX=URL with PREFIX starting with '/', got '"
                        + value + "'");
            }
            ReverseProxy proxy;
            try {
                String[] urls = value.substring(equals + 1).split(",");
                UnixUpstream unix = UnixUpstream.parse(urls[0].strip());
                if (unix != null && urls.length > 1) {
                    throw new IllegalArgumentException("an upstream on a Unix domain socket is the only one of its"
                            + " prefix");
                }
                ReverseProxy.Builder builder = ReverseProxy.builder(unix != null ? unix.uri() : URI.create(urls[0]
                        .strip()));
                for (int i = 1; i < urls.length; i++) {
                    builder.alsoTo(urls[i].strip());
                }
                if (arguments.has("--auth")) {
                    // The password is this server's: the upstream, another party perhaps, has no business seeing it.
                    builder.hideRequestFields("Authorization");
                }
                if (arguments.has("--cors")) {
                    // The Cors filter in front answers for CORS; the upstream's own fields would go out beside its.
                    builder.hideResponseFields(Cors.RESPONSE_FIELDS.toArray(String[]::new));
                }
                proxy = builder.stripPrefix(prefix).clientConfig(unix != null ? client.toBuilder()
                        .socketOptions(SocketOptions.builder().unixSocket(unix.socket()).build()).build() : client)
                        .build();
            } catch (IllegalArgumentException e) {
                proxies.forEach(ReverseProxy::close);
                throw new UsageException("option --proxy " + value + ": " + e.getMessage());
            }
            proxies.add(proxy);
            WebSocketRelay relay = proxy.webSocketRelay(WEBSOCKETS.toBuilder().allowedOrigins(crossOrigins).build());
            String pattern = prefix.endsWith("/") ? prefix + "*" : prefix + "/*";
            try {
                if (prefixes.stream().anyMatch(other -> samePrefix(other, prefix))) {
                    throw new IllegalArgumentException("the prefix " + prefix + " is given twice");
                }
                router.webSocket(pattern, relay.config(), relay, proxy).any(pattern, proxy);
            } catch (IllegalArgumentException e) {
                proxies.forEach(ReverseProxy::close);
                throw new UsageException("option --proxy " + value + ": " + e.getMessage());
            }
            everyPath |= pattern.equals("/*");
            prefixes.add(prefix);
            lines.add("Proxying " + (prefix.endsWith("/") ? prefix : prefix + "/") + " to "
                    + value.substring(equals + 1) + " (requests and WebSockets)");
        }
        return new Routes(List.copyOf(lines), everyPath, List.copyOf(prefixes));
    }

    /**
     * An upstream on a Unix domain socket, written as nginx's {@code proxy_pass} writes one:
     * {@code http://unix:/run/app.sock:} or {@code http://unix:/run/app.sock:/base} ({@code https} for TLS over it,
     * the certificate verified for localhost). Requests go to {@code localhost} over that socket.
     */
    record UnixUpstream(Path socket, URI uri) {
        private static final Pattern FORM = Pattern.compile("(https?)://unix:([^:]+):(.*)");

        /**
         * The upstream of a URL in that form, or null for any other URL.
         *
         * @throws IllegalArgumentException if the base path after the socket does not start with "/"
         */
        static UnixUpstream parse(String url) {
            Matcher form = FORM.matcher(url);
            if (!form.matches()) {
                return null;
            }
            String base = form.group(3);
            if (!base.isEmpty() && !base.startsWith("/")) {
                throw new IllegalArgumentException("expected " + form.group(1) + "://unix:SOCKET: or "
                        + form.group(1) + "://unix:SOCKET:/PATH, got '" + url + "'");
            }
            return new UnixUpstream(Path.of(form.group(2)), URI.create(form.group(1) + "://localhost" + base));
        }
    }

    private static ClientConfig clientConfig(Arguments arguments) throws UsageException {
        String caFile = arguments.value("--proxy-cacert").orElse(null);
        if (caFile == null) {
            return ReverseProxy.defaultClientConfig();
        }
        try {
            return ReverseProxy.defaultClientConfig().toBuilder()
                    .tls(TlsConfig.builder().trustedCertificates(Path.of(caFile)).build()).build();
        } catch (TlsConfigException e) {
            throw new UsageException("option --proxy-cacert: " + e.getMessage());
        }
    }
}
