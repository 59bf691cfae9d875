package dev.wisp.proxy;

import dev.wisp.client.Client;
import dev.wisp.client.ClientConfig;
import dev.wisp.client.HttpCallException;
import dev.wisp.client.RedirectPolicy;
import dev.wisp.client.Request;
import dev.wisp.client.Response;
import dev.wisp.client.RetryPolicy;
import dev.wisp.client.TimeoutExceededException;
import dev.wisp.core.Ascii;
import dev.wisp.core.Body;
import dev.wisp.core.HeaderNames;
import dev.wisp.core.HeaderValidation;
import dev.wisp.core.Headers;
import dev.wisp.core.MalformedMessageException;
import dev.wisp.core.MediaType;
import dev.wisp.core.Method;
import dev.wisp.core.Status;
import dev.wisp.server.Handler;
import dev.wisp.server.ServerRequest;
import dev.wisp.server.ServerResponse;
import dev.wisp.websocket.WebSocketConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A reverse proxy: a {@link Handler} that forwards each request to an upstream server (or to several in turn, see
 * {@link Builder#alsoTo}) over a {@link Client} and relays its answer, streaming both bodies as they come (a body is
 * never held whole in memory), as nginx's {@code proxy_pass} and Jetty's {@code ProxyHandler} do.
 *
 * <pre>{@code
 * ReverseProxy api = ReverseProxy.builder("http://127.0.0.1:9000").stripPrefix("/api").build();
 * Router router = Router.builder()
 *         .any("/api/*", api)                         // GET /api/users?id=7 goes upstream as GET /users?id=7
 *         .get("/*", FileHandler.of(Path.of("www")))
 *         .build();
 * }</pre>
 *
 * <p><b>What is forwarded.</b> The method, the path below the prefix (appended to the upstream URI's own path, byte
 * for byte as the client sent it) and the query; every end-to-end header field: the hop-by-hop ones (RFC 9110
 * §7.6.1: {@code Connection} and the fields it names, {@code Keep-Alive}, {@code TE}, {@code Transfer-Encoding},
 * {@code Upgrade}, {@code Proxy-Authorization}, {@code Proxy-Connection}) are dropped, as is {@code Expect} (the
 * server answers 100 itself when the body is first read). {@code Host} is the upstream's unless
 * {@link Builder#preserveHost(boolean)}. A {@code Via} entry is added both ways (§7.6.3), and the client's address,
 * scheme and host as {@link ForwardedHeaders} says; such fields the client sent are removed first unless
 * {@link Builder#trustForwardedHeaders(boolean) trusted} (a client could otherwise claim any address). Bodies keep
 * their length, or go chunked when it is not known; content codings pass untouched; trailers are relayed, the
 * request's too, but for the fields no trailer section may hold (framing, routing, authentication and the rest of
 * RFC 9110 §6.5.1, which the server and client drop themselves) and the forwarding fields and {@code Via}, which
 * belong in the head the proxy sets. The answer's status and end-to-end fields come back as they are, but for a {@code
 * Location} that points into the upstream, which is pointed at the proxy ({@link Builder#rewriteLocation(boolean)}).
 * A TRACE or OPTIONS with {@code Max-Forwards} goes on with the count less one, and one that comes with none left is
 * answered by the proxy ({@link MaxForwards}).
 *
 * <p><b>Failures.</b> A request that has passed 16 proxies already (by its {@code Via} entries) is answered 508
 * (Loop Detected): a proxy whose upstream is, in the end, itself would otherwise forward until its resources ran
 * out. An upstream that cannot be reached, or that answers with a broken head, gives 502 (Bad
 * Gateway); one that does not answer within the client's read timeout gives 504 (Gateway Timeout); the reason is
 * logged (at most once every 10 s), not told to the client. A body that breaks once the answer has begun cuts the
 * client's response short (the connection closes, a chunked body without its last chunk), so that a truncated body
 * never looks whole. A client whose own body is malformed or over the server's limit gets the server's answer for it
 * (400, 413), not a 502. A request is sent again only to another upstream, when the first could not even be
 * connected to; redirects are never followed, cookies never stored: the proxy's client is configured so whatever
 * {@link ClientConfig} it is given (one with a cookie jar is refused).
 *
 * <p>Immutable and thread-safe. It owns its client unless given one with {@link Builder#client(Client)}: close it
 * when done.
 */
public final class ReverseProxy implements Handler, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ReverseProxy.class.getName());
    private static final long LOG_INTERVAL_NANOS = 10_000_000_000L;
    /** Fields the proxy sets or the client frames; never copied from the client's request. */
    private static final Set<String> REQUEST_OWN = Set.of("host", "expect", "content-length");
    /** Fields of the answer the server writes for itself. */
    private static final Set<String> RESPONSE_OWN = Set.of("content-length", "date");
    /**
     * The connections the default client may open to the upstream: each exchange holds one for its whole length over
     * HTTP/1.1 (a slow download, a long poll), so a client's usual 8 per origin would queue the proxy's traffic.
     */
    static final int DEFAULT_CONNECTIONS = 1024;
    private static final int COPY_BUFFER_BYTES = 16 * 1024;

    private final Forwarding forwarding;
    private final Client client;
    private final boolean ownsClient;
    private final FailureLog failureLog = new FailureLog(LOG, LOG_INTERVAL_NANOS);

    private ReverseProxy(Builder b) {
        this.forwarding = new Forwarding(new Upstreams(b.upstreams), b.prefix, b.preserveHost, b.forwardedHeaders,
                b.trustForwardedHeaders, b.via, b.rewriteLocation, Set.copyOf(b.hiddenRequestFields),
                droppedResponseFields(b.hiddenResponseFields));
        this.ownsClient = b.client == null;
        this.client = b.client != null ? b.client : Client.create(forProxying(b.clientConfig));
    }

    /** The fields of an answer never relayed: those the server writes itself, and those the builder hid. */
    private static Set<String> droppedResponseFields(Set<String> hidden) {
        Set<String> dropped = new HashSet<>(RESPONSE_OWN);
        dropped.addAll(hidden);
        return Set.copyOf(dropped);
    }

    /** A proxy to the upstream with the defaults; see {@link #builder(String)}. */
    public static ReverseProxy to(String upstream) {
        return builder(upstream).build();
    }

    /**
     * Starts a proxy to the upstream: an {@code http} or {@code https} URI, whose path, if any, is prepended to
     * every forwarded path ({@code https://api.internal/v1} sends {@code /users} as {@code /v1/users}).
     *
     * @throws IllegalArgumentException if it is not such a URI, or has a query, fragment or user information
     */
    public static Builder builder(String upstream) {
        return builder(URI.create(upstream));
    }

    /** See {@link #builder(String)}. */
    public static Builder builder(URI upstream) {
        return new Builder(Upstream.of(Objects.requireNonNull(upstream, "upstream")));
    }

    /**
     * The configuration of a proxy's client unless {@link Builder#clientConfig} gives another: the client's defaults
     * but for its pool, which may open up to 1,024 connections to the upstream (a client's default is 8 per origin),
     * since each exchange holds one for its whole length over HTTP/1.1. Derive from it to change one setting, such
     * as the trusted certificates of an https upstream.
     */
    public static ClientConfig defaultClientConfig() {
        return ClientConfig.builder().maxConnectionsPerOrigin(DEFAULT_CONNECTIONS).maxConnections(DEFAULT_CONNECTIONS)
                .build();
    }

    /**
     * The configuration a proxy's client runs with: the caller's, without what a proxy must not do on its own:
     * follow redirects, retry, keep cookies, decode bodies or send a User-Agent of its own.
     */
    static ClientConfig forProxying(ClientConfig config) {
        return config.toBuilder()
                .redirectPolicy(RedirectPolicy.none())
                .retryPolicy(RetryPolicy.none())
                .userAgent("")
                .build();
    }

    @Override
    public void handle(ServerRequest request, ServerResponse response) throws IOException {
        Forwarding.Target target = forwarding.target(request).orElse(null);
        if (target == null) {
            response.status(Status.NOT_FOUND).send("not found\n");
            return;
        }
        if (Forwarding.isLooping(request)) {
            response.status(Forwarding.LOOP_DETECTED).send("the request passed " + Forwarding.MAX_HOPS
                    + " proxies or more: a loop?\n");
            return;
        }
        long maxForwards = MaxForwards.received(request);
        if (maxForwards == 0) {
            MaxForwards.answerHere(request, response);
            return;
        }
        DownstreamBody body = new DownstreamBody(request.body());
        Headers fields = forwarding.requestFields(request, REQUEST_OWN);
        if (maxForwards > 0) {
            fields = MaxForwards.forwarded(fields, maxForwards);
        }
        Upstreams upstreams = forwarding.upstreams();
        List<Upstream> candidates = upstreams.order();
        for (int i = 0; i < candidates.size(); i++) {
            Upstream upstream = candidates.get(i);
            Request forwarded;
            try {
                forwarded = forwardedRequest(request, target.at(upstream), fields, body,
                        forwarding.hiddenRequestFields());
            } catch (IllegalArgumentException e) {
                // Taken by the server's parser but no URI (a query's "%2", say): nothing an upstream could be sent.
                // (The message would name the upstream's address: not told.)
                response.status(Status.BAD_REQUEST).send("the request target is not a URI that can be forwarded"
                        + " (RFC 3986)\n");
                return;
            }
            Response answer;
            try {
                answer = client.send(forwarded);
            } catch (HttpCallException e) {
                if (body.failure() != null) {
                    throw body.failure(); // the client's fault: the server answers it (400, 413) or it has gone
                }
                failureLog.log(e);
                if (Upstreams.failedToConnect(e)) {
                    upstreams.failed(upstream);
                    if (i + 1 < candidates.size() && !body.wasRead()) {
                        continue; // nothing was sent: the next upstream takes the request
                    }
                }
                answerFailure(response, e instanceof TimeoutExceededException);
                return;
            }
            upstreams.answered(upstream);
            try (answer) {
                // A client that leaves (at once over HTTP/2) ends the relay, and the upstream's answer with it: a
                // long answer, an event stream say, need not wait for its next bytes to find nobody reads them.
                request.onClientLeft(answer::close);
                relay(request, response, answer);
            }
            return;
        }
    }

    /** Answers for an upstream that failed: 504 if it did not answer in time, else 502. */
    private static void answerFailure(ServerResponse response, boolean timeout) throws IOException {
        response.status(timeout ? Status.GATEWAY_TIMEOUT : Status.BAD_GATEWAY)
                .send(timeout ? "the upstream server did not answer in time\n"
                        : "the upstream server could not be reached or answered wrongly\n");
    }

    private static Request forwardedRequest(ServerRequest request, URI target, Headers fields, DownstreamBody body,
            Set<String> hiddenFields) {
        Request.Builder forwarded = Request.builder(target)
                .method(request.method())
                .headers(fields)
                .decompress(false);
        long length = request.headers().firstAsLong(HeaderNames.CONTENT_LENGTH).orElse(-1);
        if (length > 0 || length < 0 && !request.body().isFinished()) {
            forwarded.body(new RelayedBody(body, length, request.body(), hiddenFields));
        } else if (length == 0) {
            forwarded.body(Body.empty());
        }
        return forwarded.build();
    }

    private void relay(ServerRequest request, ServerResponse response, Response answer) throws IOException {
        Headers received = answer.headers();
        response.status(answer.statusCode());
        forwarding.responseFields(request, received, answer.version()).forEach(response::header);
        long length = received.firstAsLong(HeaderNames.CONTENT_LENGTH).orElse(-1);
        if (length >= 0 && !received.contains(HeaderNames.TRANSFER_ENCODING) && answer.statusCode() != 304) {
            response.setHeader(HeaderNames.CONTENT_LENGTH, Long.toString(length));
        }
        OutputStream out = response.outputStream();
        if (isEventStream(received)) {
            // Its events may be minutes apart: the head goes on at once, so that the client's EventSource opens,
            // rather than with the first event (an upstream failing before that one cuts the stream, not a 502).
            out.flush();
        }
        if (!request.method().equals(Method.HEAD)) {
            if (!copy(answer.body(), out, length, response)) {
                return;
            }
            forwarding.responseTrailers(answer.trailers()).forEach(response::trailer);
        }
        // Closed only once the whole answer came: one the upstream cut off leaves by the exception, and the server
        // cuts the client's off too (closes the connection, resets the stream), where closing would end it as whole.
        out.close();
    }

    /** Whether the answer is a stream of server-sent events ({@code text/event-stream}, parameters aside). */
    private static boolean isEventStream(Headers fields) {
        String type = fields.firstOrNull(HeaderNames.CONTENT_TYPE);
        try {
            return type != null && MediaType.parse(type).is("text", "event-stream");
        } catch (MalformedMessageException e) {
            return false; // passed on as it came, as any other field: not an event stream the client would read
        }
    }

    /**
     * Copies a body as it comes, with a buffer no larger than the body when its length is known; a read that fails
     * (the upstream cut its answer off, framed it wrongly, or went silent past the read timeout) is logged as the
     * upstream's failure. If nothing of the answer has reached the client yet (over HTTP/1.1, before the first flush),
     * the failure is answered in its place as any other of the upstream's, 502 or 504, and this returns false; else the
     * client's answer is cut off by the exception, as the upstream's was.
     */
    private boolean copy(InputStream from, OutputStream to, long length, ServerResponse response) throws IOException {
        byte[] buffer = new byte[(int) Math.clamp(length < 0 ? COPY_BUFFER_BYTES : length, 1, COPY_BUFFER_BYTES)];
        while (true) {
            int n;
            try {
                n = from.read(buffer);
            } catch (IOException e) {
                failureLog.log(e);
                if (response.reset()) {
                    response.headers().names().forEach(response::removeHeader);
                    answerFailure(response, e instanceof TimeoutExceededException);
                    return false;
                }
                throw e;
            }
            if (n < 0) {
                return true;
            }
            to.write(buffer, 0, n);
            if (n > 0 && from.available() == 0) {
                to.flush(); // nothing more at hand: what came goes on now, not when a buffer fills
            }
        }
    }

    /**
     * A WebSocket route's handler that relays WebSockets to this proxy's upstream ({@code ws:} for {@code http:},
     * {@code wss:} for {@code https:}), with this proxy's path mapping, forwarded fields and client.
     *
     * @param config the route's configuration, used for both sides: limits, pings, compression; its subprotocols,
     *     if it lists any, are the only ones of the client's offered to the upstream
     */
    public WebSocketRelay webSocketRelay(WebSocketConfig config) {
        return new WebSocketRelay(forwarding, client, Objects.requireNonNull(config, "config"), failureLog);
    }

    /** Closes the client, unless it was given with {@link Builder#client(Client)}. */
    @Override
    public void close() {
        if (ownsClient) {
            client.close();
        }
    }

    @Override
    public String toString() {
        return "ReverseProxy[" + forwarding.upstreams().members().getFirst().uri("", null)
                + (forwarding.prefix().isEmpty() ? "" : ", prefix " + forwarding.prefix()) + "]";
    }

    /** Options of a {@link ReverseProxy}; every one has a default. */
    public static final class Builder {
        private final List<Upstream> upstreams = new ArrayList<>();
        private String prefix = "";
        private boolean preserveHost;
        private ForwardedHeaders forwardedHeaders = ForwardedHeaders.X_FORWARDED;
        private boolean trustForwardedHeaders;
        private String via = "wisp";
        private boolean rewriteLocation = true;
        private final Set<String> hiddenRequestFields = new HashSet<>();
        private final Set<String> hiddenResponseFields = new HashSet<>();
        private ClientConfig clientConfig = defaultClientConfig();
        private Client client;

        private Builder(Upstream upstream) {
            upstreams.add(upstream);
        }

        /**
         * Another upstream server for the same paths (an {@code http} or {@code https} URI, with a base path of its
         * own if it has one): requests are spread over them in turn, as nginx's {@code upstream} block does. One
         * that cannot be connected to (refused, unreachable, no such host, a failed TLS handshake, the connect timeout)
         * is left out for 10 s, and the request that found it so goes to the next one, since nothing of it was sent;
         * once every one is left out, all are tried again. A request whose body had begun to be sent is not tried
         * again (a 502). An upstream's WebSockets are spread the same way.
         *
         * @throws IllegalArgumentException as {@link ReverseProxy#builder(String)}
         */
        public Builder alsoTo(String upstream) {
            upstreams.add(Upstream.of(URI.create(upstream)));
            return this;
        }

        /**
         * The path prefix the proxy is mounted at, removed before forwarding: with {@code "/api"}, {@code /api/users}
         * goes upstream as {@code /users} (under the upstream URI's path). A request outside it is answered 404.
         * Default: none, every path goes as it is.
         *
         * @throws IllegalArgumentException if it does not start with "/", or holds a route pattern's star or braces
         *     (the route's {@code /api/*} given for its prefix {@code /api}: no request path starts with it), or a
         *     query or fragment
         */
        public Builder stripPrefix(String prefix) {
            Objects.requireNonNull(prefix, "prefix");
            if (!prefix.isEmpty() && !prefix.startsWith("/")) {
                throw new IllegalArgumentException("prefix must start with '/': " + prefix);
            }
            for (char c : "*{}?#".toCharArray()) {
                if (prefix.indexOf(c) >= 0) {
                    throw new IllegalArgumentException("prefix must be a plain path, not a route pattern ('" + c
                            + "'): " + prefix + (c == '*' ? " (the route /api/* has the prefix /api)" : ""));
                }
            }
            String trimmed = prefix;
            while (trimmed.endsWith("/")) {
                trimmed = trimmed.substring(0, trimmed.length() - 1);
            }
            this.prefix = trimmed;
            return this;
        }

        /**
         * True forwards the client's {@code Host}, for upstreams that serve several names or build links from it;
         * default false: the upstream's own host and port, as nginx does.
         */
        public Builder preserveHost(boolean preserve) {
            this.preserveHost = preserve;
            return this;
        }

        /** Which fields tell the upstream the client's address, scheme and host. Default {@code X_FORWARDED}. */
        public Builder forwardedHeaders(ForwardedHeaders headers) {
            this.forwardedHeaders = Objects.requireNonNull(headers, "headers");
            return this;
        }

        /**
         * True keeps the {@code Forwarded} and {@code X-Forwarded-*} fields the client sent and adds to them, for a
         * proxy behind another proxy that sets them; default false removes them, since any client could send them.
         */
        public Builder trustForwardedHeaders(boolean trust) {
            this.trustForwardedHeaders = trust;
            return this;
        }

        /**
         * The name the proxy gives itself in {@code Via} (RFC 9110 §7.6.3), "wisp" by default; empty sends none.
         *
         * @throws IllegalArgumentException if it is not a token
         */
        public Builder via(String pseudonym) {
            Objects.requireNonNull(pseudonym, "pseudonym");
            if (!pseudonym.isEmpty() && !HeaderValidation.isToken(pseudonym)) {
                throw new IllegalArgumentException("Via pseudonym must be a token: " + Ascii.escape(pseudonym));
            }
            this.via = pseudonym;
            return this;
        }

        /**
         * Whether a {@code Location} that points into the upstream is pointed at the proxy (scheme and
         * {@code Host} the client used, under the prefix). Default true.
         */
        public Builder rewriteLocation(boolean rewrite) {
            this.rewriteLocation = rewrite;
            return this;
        }

        /**
         * Fields of the clients' requests not forwarded to the upstream, in their head or trailers, as nginx's
         * {@code proxy_set_header} with an empty value: credentials the server in front took for itself (its
         * {@code BasicAuth}'s {@code Authorization}, which the upstream has no business seeing), or cookies meant
         * for it alone. Adds to the names given before; none by default.
         *
         * @throws IllegalArgumentException for a name that is not a token
         */
        public Builder hideRequestFields(String... names) {
            addFieldNames(hiddenRequestFields, names);
            return this;
        }

        /**
         * Fields of the upstream's answers not relayed to the client, in their head or trailers, as nginx's
         * {@code proxy_hide_header}: those the server's own filters set for every answer (a {@code Cors} filter's
         * {@code Access-Control-Allow-Origin} in front of an upstream that sets one too would otherwise go out
         * twice, which a browser refuses), or that tell more than the upstream should (its {@code Server},
         * {@code X-Powered-By}). Adds to the names given before; none by default.
         *
         * @throws IllegalArgumentException for a name that is not a token
         */
        public Builder hideResponseFields(String... names) {
            addFieldNames(hiddenResponseFields, names);
            return this;
        }

        private static void addFieldNames(Set<String> to, String... names) {
            for (String name : names) {
                Objects.requireNonNull(name, "name");
                if (!HeaderValidation.isToken(name)) {
                    throw new IllegalArgumentException("not a field name: " + Ascii.escape(name));
                }
                to.add(Ascii.toLowerCase(name));
            }
        }

        /**
         * The configuration of the client the proxy makes: timeouts (the read timeout bounds the wait for the
         * upstream's answer: 504 past it), TLS (the upstream's certificate is verified as any client's), pool sizes,
         * HTTP/2. Redirects, retries, decoding and the User-Agent are turned off whatever it says. Default:
         * {@link ReverseProxy#defaultClientConfig()}, whose pool is sized for a proxy; one given here is taken as
         * it is, so derive it from that one or size its pool for the proxy's traffic.
         *
         * @throws IllegalArgumentException if it has a cookie jar
         */
        public Builder clientConfig(ClientConfig config) {
            Objects.requireNonNull(config, "config");
            if (config.cookieJar().isPresent()) {
                throw new IllegalArgumentException("a proxy's client keeps no cookies: the clients' pass through it");
            }
            this.clientConfig = config;
            this.client = null;
            return this;
        }

        /**
         * A client to forward with, shared and not closed by the proxy; it should not follow redirects, retry,
         * keep cookies or decode bodies (see {@link #clientConfig(ClientConfig)}).
         */
        public Builder client(Client client) {
            this.client = Objects.requireNonNull(client, "client");
            return this;
        }

        public ReverseProxy build() {
            return new ReverseProxy(this);
        }
    }
}
