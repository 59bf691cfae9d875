package dev.wisp.client;

import dev.wisp.core.HeaderValidation;
import dev.wisp.tls.TlsConfig;
import dev.wisp.tls.TlsConfigException;
import dev.wisp.tls.TlsContext;
import dev.wisp.transport.JdkWarmUp;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The configuration of a {@link Client} or a {@link ClientConnection}: timeouts, pool sizes, response limits, TLS
 * and events. Immutable; build one with {@link #builder()} and derive variants with {@link #toBuilder()}.
 *
 * <table>
 *   <caption>Timeouts, pool sizes and limits</caption>
 *   <tr><th>option</th><th>default</th><th>when crossed</th></tr>
 *   <tr><td>{@code connectTimeout}</td><td>10 s</td><td>DNS and TCP connect (and a proxy's tunnel) together, or
 *       the wait for a free pooled connection: {@link TimeoutExceededException} (CONNECT); also an HTTP/2 server's
 *       SETTINGS, and its acknowledgement of ours (RFC 9113 §6.5.3): GOAWAY SETTINGS_TIMEOUT,
 *       {@link ResponseProtocolException}</td></tr>
 *   <tr><td>{@code tls().handshakeTimeout()}</td><td>10 s</td><td>the TLS handshake, once TCP is up:
 *       {@link TimeoutExceededException} (HANDSHAKE), connection closed</td></tr>
 *   <tr><td>{@code readTimeout}</td><td>30 s</td><td>one read of the response waits longer: READ, connection
 *       closed</td></tr>
 *   <tr><td>{@code pongTimeout}</td><td>10 s</td><td>an HTTP/2 connection on which a read timed out, or that
 *       received nothing for this long before a new call, gets a PING; nothing received for this long after it: the
 *       connection is dead, closed, and its calls fail with
 *       {@link ConnectionClosedException} (a reused connection's idempotent calls go once more on a new one)</td></tr>
 *   <tr><td>{@code writeTimeout}</td><td>30 s</td><td>one write of the request waits longer: WRITE, connection
 *       closed</td></tr>
 *   <tr><td>{@code callTimeout}</td><td>none (zero)</td><td>the whole call, body included, takes longer: CALL,
 *       connection closed</td></tr>
 *   <tr><td>{@code expectContinueTimeout}</td><td>1 s</td><td>no {@code 100 Continue} yet: the body is sent
 *       anyway (RFC 9110 §10.1.1)</td></tr>
 *   <tr><td>{@code maxConnectionsPerOrigin}</td><td>8</td><td>further calls to the origin wait for a free
 *       connection</td></tr>
 *   <tr><td>{@code maxConnections}</td><td>64</td><td>an idle connection of another origin is closed to make room,
 *       else calls wait</td></tr>
 *   <tr><td>{@code maxQueuedRequests}</td><td>256</td><td>a call that would wait beyond it fails at once:
 *       {@link RequestQueueFullException}; a call that waits for a stream its origin's HTTP/2 connections have free,
 *       or one being made is expected to have (100), does not count</td></tr>
 *   <tr><td>{@code keepWarm}</td><td>30 s</td><td>an idle pooled connection is closed</td></tr>
 *   <tr><td>{@code maxStatusLineBytes}</td><td>8 KiB</td><td>{@link ResponseProtocolException}</td></tr>
 *   <tr><td>{@code maxHeaderBytes}</td><td>64 KiB</td><td>{@link ResponseProtocolException}; also for
 *       trailers</td></tr>
 *   <tr><td>{@code maxHeaderCount}</td><td>200</td><td>{@link ResponseProtocolException}; also for trailers</td></tr>
 *   <tr><td>{@code maxChunkLineBytes}</td><td>1 KiB</td><td>{@link ResponseProtocolException}</td></tr>
 *   <tr><td>{@code maxBufferedBodyBytes}</td><td>10 MiB</td><td>{@link Response#bytes()} or {@link Response#text()}
 *       would hold a longer body in memory: {@link ResponseTooLargeException}, connection closed; a body read as a
 *       stream ({@link Response#body()}, {@link Response#toFile}) has no limit</td></tr>
 *   <tr><td>{@code bufferBytes}</td><td>16 KiB</td><td>the size of each pooled read and write buffer; a longer
 *       status line or field line, within its limit above, is read into an array of its own, dropped once the line
 *       is read</td></tr>
 * </table>
 *
 * <p>Follow-ups and connection options are each one immutable object, set by one builder method:
 * {@link RedirectPolicy} (follow up to 10 by default), {@link CookieJar} (a thread-safe store shared by the
 * client's calls; none by default), {@link RetryPolicy} (none by default), {@link SocketOptions} (Unix socket,
 * local binding, address-family order) and {@link ProxyConfig} (none by default); each documents its limits.
 *
 * <p>TLS: {@link #tls()}, the same {@link TlsConfig} a server uses. The default trusts the JDK's CA certificates,
 * verifies the host name, sends SNI for DNS names and offers TLS 1.3 and 1.2 only; CA certificates, a client
 * certificate for mutual TLS and the relaxations (each logged at WARNING) are set on the {@code TlsConfig}. ALPN
 * offers {@code h2} and {@code http/1.1} for a {@link Client}'s connections ({@link #http2()}), {@code http/1.1}
 * alone for a WebSocket's own connection and for a {@link ClientConnection} unless {@link Http2Mode#PRIOR_KNOWLEDGE},
 * whatever the TLS configuration lists (a
 * WebSocket may share a pooled HTTP/2 connection instead, {@link #webSocketsOverHttp2()}). The
 * {@link #tlsContext()} is made once per configuration, so all connections made with it share its session cache
 * and resume sessions with the same host and port.
 *
 * <p>Longer than 500 lines: each option is a field, an accessor, a builder setter and a check, and the options are
 * kept together so that one page shows the client's whole configuration; the follow-ups are objects of their own.
 */
public final class ClientConfig {
    /**
     * TLS with the JDK's trust store, hostname verification, TLS 1.3 and 1.2; null until a configuration without TLS
     * of its own first needs it, or while it could not be made. Made at first use, not when the class loads: starting
     * the JDK's crypto and reading its trust store takes about a quarter of a second and the trust store's
     * certificates stay in the heap, which a client that only speaks plaintext (a device's local services, {@code
     * wisp get http://...}) should not pay for; and reading them takes file descriptors, which a class initializer
     * must not depend on (one that fails leaves the class unusable for the rest of the JVM's life).
     */
    private static volatile TlsConfig defaultTls;
    private static final ClientConfig DEFAULTS = builder().build();

    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final Duration pongTimeout;
    private final Duration writeTimeout;
    private final Duration callTimeout;
    private final Duration expectContinueTimeout;
    private final int maxConnectionsPerOrigin;
    private final int maxConnections;
    private final int maxQueuedRequests;
    private final Duration keepWarm;
    private final int maxStatusLineBytes;
    private final int maxHeaderBytes;
    private final int maxHeaderCount;
    private final int maxChunkLineBytes;
    private final int maxBufferedBodyBytes;
    private final int bufferBytes;
    private final EventListener eventListener;
    private final String userAgent;
    private final TlsConfig tls;
    private final ReentrantLock tlsContextLock = new ReentrantLock();
    private volatile TlsContext tlsContext;
    // Follow-ups and connection options, each one object set by one builder method.
    private final RedirectPolicy redirectPolicy;
    private final CookieJar cookieJar;
    private final CredentialsProvider credentialsProvider;
    private final RetryPolicy retryPolicy;
    private final SocketOptions socketOptions;
    private final ProxyConfig proxy;
    /** The proxies of {@link Builder#proxy(String, ProxyConfig)}, by scheme, in place of {@link #proxy}. */
    private final Map<String, ProxyConfig> schemeProxies;
    private final boolean pipelining;
    private final Http2Mode http2;
    private final boolean webSocketsOverHttp2;
    private final Resolver resolver;
    private final ConnectTarget connectTarget;

    private ClientConfig(Builder b) {
        this.connectTimeout = b.connectTimeout;
        this.readTimeout = b.readTimeout;
        this.pongTimeout = b.pongTimeout;
        this.writeTimeout = b.writeTimeout;
        this.callTimeout = b.callTimeout;
        this.expectContinueTimeout = b.expectContinueTimeout;
        this.maxConnectionsPerOrigin = b.maxConnectionsPerOrigin;
        this.maxConnections = b.maxConnections;
        this.maxQueuedRequests = b.maxQueuedRequests;
        this.keepWarm = b.keepWarm;
        this.maxStatusLineBytes = b.maxStatusLineBytes;
        this.maxHeaderBytes = b.maxHeaderBytes;
        this.maxHeaderCount = b.maxHeaderCount;
        this.maxChunkLineBytes = b.maxChunkLineBytes;
        this.maxBufferedBodyBytes = b.maxBufferedBodyBytes;
        this.bufferBytes = b.bufferBytes;
        this.eventListener = b.eventListener;
        this.userAgent = b.userAgent;
        this.tls = b.tls;
        this.redirectPolicy = b.redirectPolicy;
        this.cookieJar = b.cookieJar;
        this.credentialsProvider = b.credentialsProvider;
        this.retryPolicy = b.retryPolicy;
        this.socketOptions = b.socketOptions;
        this.proxy = b.proxy;
        this.schemeProxies = Map.copyOf(b.schemeProxies);
        this.pipelining = b.pipelining;
        this.http2 = b.http2;
        this.webSocketsOverHttp2 = b.webSocketsOverHttp2;
        this.resolver = b.resolver;
        this.connectTarget = b.connectTarget;
    }

    /** The configuration with every default. */
    public static ClientConfig defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.connectTimeout = connectTimeout;
        b.readTimeout = readTimeout;
        b.pongTimeout = pongTimeout;
        b.writeTimeout = writeTimeout;
        b.callTimeout = callTimeout;
        b.expectContinueTimeout = expectContinueTimeout;
        b.maxConnectionsPerOrigin = maxConnectionsPerOrigin;
        b.maxConnections = maxConnections;
        b.maxQueuedRequests = maxQueuedRequests;
        b.keepWarm = keepWarm;
        b.maxStatusLineBytes = maxStatusLineBytes;
        b.maxHeaderBytes = maxHeaderBytes;
        b.maxHeaderCount = maxHeaderCount;
        b.maxChunkLineBytes = maxChunkLineBytes;
        b.maxBufferedBodyBytes = maxBufferedBodyBytes;
        b.bufferBytes = bufferBytes;
        b.eventListener = eventListener;
        b.userAgent = userAgent;
        b.tls = tls;
        b.redirectPolicy = redirectPolicy;
        b.cookieJar = cookieJar;
        b.credentialsProvider = credentialsProvider;
        b.retryPolicy = retryPolicy;
        b.socketOptions = socketOptions;
        b.proxy = proxy;
        b.schemeProxies.putAll(schemeProxies);
        b.pipelining = pipelining;
        b.http2 = http2;
        b.webSocketsOverHttp2 = webSocketsOverHttp2;
        b.resolver = resolver;
        b.connectTarget = connectTarget;
        return b;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public Duration readTimeout() {
        return readTimeout;
    }

    /**
     * How long an HTTP/2 connection may stay silent after a PING sent because a read timed out on it, or with a new
     * call after it had been silent this long.
     */
    public Duration pongTimeout() {
        return pongTimeout;
    }

    public Duration writeTimeout() {
        return writeTimeout;
    }

    /** The timeout of the whole call, body included; empty for none. */
    public Optional<Duration> callTimeout() {
        return callTimeout.isZero() ? Optional.empty() : Optional.of(callTimeout);
    }

    public Duration expectContinueTimeout() {
        return expectContinueTimeout;
    }

    public int maxConnectionsPerOrigin() {
        return maxConnectionsPerOrigin;
    }

    public int maxConnections() {
        return maxConnections;
    }

    public int maxQueuedRequests() {
        return maxQueuedRequests;
    }

    public Duration keepWarm() {
        return keepWarm;
    }

    public int maxStatusLineBytes() {
        return maxStatusLineBytes;
    }

    public int maxHeaderBytes() {
        return maxHeaderBytes;
    }

    public int maxHeaderCount() {
        return maxHeaderCount;
    }

    public int maxChunkLineBytes() {
        return maxChunkLineBytes;
    }

    public int maxBufferedBodyBytes() {
        return maxBufferedBodyBytes;
    }

    public int bufferBytes() {
        return bufferBytes;
    }

    public EventListener eventListener() {
        return eventListener;
    }

    public String userAgent() {
        return userAgent;
    }

    /**
     * The TLS configuration of {@code https} connections.
     *
     * @throws dev.wisp.tls.TlsConfigException if none was set and the default cannot be made: the JDK could not
     *     read its trust store or start its crypto (a full descriptor table, say)
     */
    public TlsConfig tls() {
        return tls != null ? tls : defaultTls();
    }

    private static TlsConfig defaultTls() {
        TlsConfig made = defaultTls;
        if (made == null) {
            // The JDK's crypto starts once: started with no descriptor to read its policy files, it stays broken
            // for the JVM's life (JDK 25). Short of them, this connection fails and the next one tries again.
            if (!JdkWarmUp.haveSpare()) {
                throw new TlsConfigException("TLS was not started: the descriptor table is full (Too many open"
                        + " files), and the JDK's crypto, started so, would stay broken; the next TLS connection"
                        + " tries again");
            }
            made = newDefaultTls();
            defaultTls = made; // two threads may both make it: the same configuration, the last one kept
        }
        return made;
    }

    /** @throws TlsConfigException if the JDK cannot read its trust store or start its crypto */
    private static TlsConfig newDefaultTls() {
        try {
            return TlsConfig.builder().build();
        } catch (RuntimeException | LinkageError e) {
            throw new TlsConfigException("the default TLS configuration cannot be made: " + e, e);
        }
    }

    /**
     * The TLS context of {@link #tls()}, made at first use and then shared by every connection made with this
     * configuration (and its session cache with them).
     *
     * @throws dev.wisp.tls.TlsConfigException if the JDK cannot create it
     */
    public TlsContext tlsContext() {
        TlsContext made = tlsContext;
        if (made == null) {
            // A lock, not synchronized: creating the context reads the trust store, blocking I/O.
            tlsContextLock.lock();
            try {
                if (tlsContext == null) {
                    tlsContext = TlsContext.create(tls());
                }
                made = tlsContext;
            } finally {
                tlsContextLock.unlock();
            }
        }
        return made;
    }

    /** Whether and how far redirects are followed; {@link RedirectPolicy#follow()} unless set. */
    public RedirectPolicy redirectPolicy() {
        return redirectPolicy;
    }

    /** The cookie jar every call of the client shares; empty (no cookies kept or sent) unless set. */
    public Optional<CookieJar> cookieJar() {
        return Optional.ofNullable(cookieJar);
    }

    /** The credentials for requests without their own, by origin; none by default. */
    public Optional<CredentialsProvider> credentialsProvider() {
        return Optional.ofNullable(credentialsProvider);
    }

    /** Whether failed connection attempts are retried; {@link RetryPolicy#none()} unless set. */
    public RetryPolicy retryPolicy() {
        return retryPolicy;
    }

    /** Local binding and address-family order of new sockets; {@link SocketOptions#defaults()} unless set. */
    public SocketOptions socketOptions() {
        return socketOptions;
    }

    /**
     * The proxy (HTTP, HTTPS or SOCKS5) every connection goes through, unless {@link Builder#proxy(String,
     * ProxyConfig)} set another for its origin's scheme; empty (direct connections) unless set.
     */
    public Optional<ProxyConfig> proxy() {
        return Optional.ofNullable(proxy);
    }

    /**
     * The proxy connections to this origin go through: the one for its scheme, else the one for every connection;
     * empty without one, or when its bypass list names the host.
     */
    public Optional<ProxyConfig> proxyFor(Origin origin) {
        ProxyConfig chosen = schemeProxies.getOrDefault(origin.scheme(), proxy);
        return chosen == null || chosen.bypasses(origin.host()) ? Optional.empty() : Optional.of(chosen);
    }

    /**
     * Whether a {@link ClientConnection} pipelines requests (libwebsockets' {@code LCCSCF_PIPELINE}, RFC 9112
     * §9.3.2); false by default. The pool of a {@link Client} opens another connection instead.
     */
    public boolean pipelining() {
        return pipelining;
    }

    /** Whether a {@link Client}'s connections speak HTTP/2; {@link Http2Mode#NEGOTIATE} unless set. */
    public Http2Mode http2() {
        return http2;
    }

    /**
     * Whether a {@link Client}'s WebSocket opens as a stream of an HTTP/2 connection its pool holds to the origin
     * already, when the server takes WebSockets over HTTP/2 (RFC 8441); true unless set.
     */
    public boolean webSocketsOverHttp2() {
        return webSocketsOverHttp2;
    }

    /** How host names become addresses; {@link Resolver#SYSTEM} unless set. */
    public Resolver resolver() {
        return resolver;
    }

    /** Where the connection for an origin goes; {@link ConnectTarget#ORIGIN} unless set. */
    public ConnectTarget connectTarget() {
        return connectTarget;
    }

    /** Builds a {@link ClientConfig}; not thread-safe. */
    public static final class Builder {
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration readTimeout = Duration.ofSeconds(30);
        private Duration pongTimeout = Duration.ofSeconds(10);
        private Duration writeTimeout = Duration.ofSeconds(30);
        private Duration callTimeout = Duration.ZERO;
        private Duration expectContinueTimeout = Duration.ofSeconds(1);
        private int maxConnectionsPerOrigin = 8;
        private int maxConnections = 64;
        private int maxQueuedRequests = 256;
        private Duration keepWarm = Duration.ofSeconds(30);
        private int maxStatusLineBytes = 8 * 1024;
        private int maxHeaderBytes = 64 * 1024;
        private int maxHeaderCount = 200;
        private int maxChunkLineBytes = 1024;
        /** As the server's default {@code maxRequestBody}: a body past it is one to stream, not to hold. */
        private int maxBufferedBodyBytes = 10 * 1024 * 1024;
        private int bufferBytes = 16 * 1024;
        private EventListener eventListener = EventListener.NONE;
        private String userAgent = "wisp";
        /** Null for the default, made when first needed ({@link ClientConfig#tls()}). */
        private TlsConfig tls;
        private RedirectPolicy redirectPolicy = RedirectPolicy.follow();
        private CookieJar cookieJar;
        private CredentialsProvider credentialsProvider;
        private RetryPolicy retryPolicy = RetryPolicy.none();
        private SocketOptions socketOptions = SocketOptions.defaults();
        private ProxyConfig proxy;
        private final Map<String, ProxyConfig> schemeProxies = new HashMap<>();
        private boolean pipelining;
        private Http2Mode http2 = Http2Mode.NEGOTIATE;
        private boolean webSocketsOverHttp2 = true;
        private Resolver resolver = Resolver.SYSTEM;
        private ConnectTarget connectTarget = ConnectTarget.ORIGIN;

        private Builder() {
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = Objects.requireNonNull(timeout, "connectTimeout");
            return this;
        }

        public Builder readTimeout(Duration timeout) {
            this.readTimeout = Objects.requireNonNull(timeout, "readTimeout");
            return this;
        }

        /**
         * How long an HTTP/2 connection may stay silent after the PING it gets when a read on it timed out, or with
         * a new call after it had been silent this long (as Chrome checks a connection at risk of loss): a server
         * that vanished without closing the connection (a host gone, a NAT entry dropped) is found so, and the
         * connection replaced. As {@code WebSocketConfig.pongTimeout}, any frame received counts as an answer.
         */
        public Builder pongTimeout(Duration timeout) {
            this.pongTimeout = Objects.requireNonNull(timeout, "pongTimeout");
            return this;
        }

        public Builder writeTimeout(Duration timeout) {
            this.writeTimeout = Objects.requireNonNull(timeout, "writeTimeout");
            return this;
        }

        /** The whole call, from its start to the end of the response body; zero for none (the default). */
        public Builder callTimeout(Duration timeout) {
            this.callTimeout = Objects.requireNonNull(timeout, "callTimeout");
            return this;
        }

        public Builder expectContinueTimeout(Duration timeout) {
            this.expectContinueTimeout = Objects.requireNonNull(timeout, "expectContinueTimeout");
            return this;
        }

        public Builder maxConnectionsPerOrigin(int count) {
            this.maxConnectionsPerOrigin = count;
            return this;
        }

        public Builder maxConnections(int count) {
            this.maxConnections = count;
            return this;
        }

        /**
         * How many calls may wait for a pooled connection; zero fails every call that would wait, but for those that
         * wait for a stream of an HTTP/2 connection, free or expected of one being made.
         */
        public Builder maxQueuedRequests(int count) {
            this.maxQueuedRequests = count;
            return this;
        }

        /** How long an idle pooled connection stays open for reuse. */
        public Builder keepWarm(Duration idleTime) {
            this.keepWarm = Objects.requireNonNull(idleTime, "keepWarm");
            return this;
        }

        public Builder maxStatusLineBytes(int bytes) {
            this.maxStatusLineBytes = bytes;
            return this;
        }

        public Builder maxHeaderBytes(int bytes) {
            this.maxHeaderBytes = bytes;
            return this;
        }

        public Builder maxHeaderCount(int count) {
            this.maxHeaderCount = count;
            return this;
        }

        public Builder maxChunkLineBytes(int bytes) {
            this.maxChunkLineBytes = bytes;
            return this;
        }

        /**
         * The longest body {@link Response#bytes()} and {@link Response#text()} read into memory; a longer one fails
         * with {@link ResponseTooLargeException} (a decoded body counts its decoded bytes). Streams have no limit.
         */
        public Builder maxBufferedBodyBytes(int bytes) {
            this.maxBufferedBodyBytes = bytes;
            return this;
        }

        public Builder bufferBytes(int bytes) {
            this.bufferBytes = bytes;
            return this;
        }

        public Builder eventListener(EventListener listener) {
            this.eventListener = Objects.requireNonNull(listener, "eventListener");
            return this;
        }

        /**
         * The {@code User-Agent} sent when a request sets none; empty: no {@code User-Agent} is sent. Checked here, as
         * a request's headers are, rather than at the first call, after a connection was opened for it.
         *
         * @throws IllegalArgumentException if it holds CR, LF or another control character, or begins or ends with
         *     whitespace
         */
        public Builder userAgent(String userAgent) {
            Objects.requireNonNull(userAgent, "userAgent");
            this.userAgent = HeaderValidation.requireValue("User-Agent", userAgent);
            return this;
        }

        /**
         * The TLS configuration: trusted CA certificates, a client certificate for mutual TLS, protocols, SNI name,
         * session resumption, relaxations. Default: the JDK's trust store, hostname verification, TLS 1.3 and 1.2.
         */
        public Builder tls(TlsConfig tls) {
            this.tls = Objects.requireNonNull(tls, "tls");
            return this;
        }

        /** Whether and how far to follow redirects; default {@link RedirectPolicy#follow()} (10, no downgrade). */
        public Builder redirectPolicy(RedirectPolicy policy) {
            this.redirectPolicy = Objects.requireNonNull(policy, "redirectPolicy");
            return this;
        }

        /**
         * Credentials for the requests that have none of their own, asked for by origin, at most once per call and
         * origin; a redirect to another origin gets that origin's. See {@link CredentialsProvider}.
         */
        public Builder credentialsProvider(CredentialsProvider provider) {
            this.credentialsProvider = Objects.requireNonNull(provider, "credentialsProvider");
            return this;
        }

        /** The cookie jar to keep and send cookies with, shared by every call; none by default. */
        public Builder cookieJar(CookieJar jar) {
            this.cookieJar = Objects.requireNonNull(jar, "cookieJar");
            return this;
        }

        /** Retries of failed connection attempts, with backoff and jitter; none by default. */
        public Builder retryPolicy(RetryPolicy policy) {
            this.retryPolicy = Objects.requireNonNull(policy, "retryPolicy");
            return this;
        }

        /** Local address and port to bind, and the address-family order; no binding, interleaved by default. */
        public Builder socketOptions(SocketOptions options) {
            this.socketOptions = Objects.requireNonNull(options, "socketOptions");
            return this;
        }

        /**
         * A proxy for every connection: HTTP or HTTPS (CONNECT for https and WebSockets, absolute-form for http;
         * an HTTPS proxy's inside TLS to the proxy) or SOCKS5 (a SOCKS CONNECT for both); none by default.
         */
        public Builder proxy(ProxyConfig proxy) {
            this.proxy = Objects.requireNonNull(proxy, "proxy");
            return this;
        }

        /**
         * A proxy for the origins of one scheme, {@code http} or {@code https} (a WebSocket's {@code ws} and
         * {@code wss} are theirs), in place of {@link #proxy(ProxyConfig)}'s for them, as curl's {@code http_proxy}
         * and {@code https_proxy} stand beside {@code all_proxy}: a redirect to the other scheme goes through that
         * scheme's proxy, or the one for every connection, or none.
         *
         * @throws IllegalArgumentException for a scheme other than http and https
         */
        public Builder proxy(String scheme, ProxyConfig proxy) {
            Objects.requireNonNull(scheme, "scheme");
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new IllegalArgumentException("scheme must be http or https: " + scheme);
            }
            schemeProxies.put(scheme, Objects.requireNonNull(proxy, "proxy"));
            return this;
        }

        /**
         * Lets a {@link ClientConnection} send a request while the responses of earlier ones are still to come
         * (libwebsockets' {@code LCCSCF_PIPELINE}); responses are matched to requests in order. Only idempotent
         * requests whose body can be sent again and that expect no {@code 100 Continue} are pipelined; any other
         * waits until every earlier response has been read, and nothing goes out after it until its own response
         * has. If the connection fails, the calls whose requests were written and not answered fail with
         * {@link ConnectionClosedException}; none is sent again. Off by default; the pool of a {@link Client}
         * does not pipeline.
         */
        public Builder pipelining(boolean enabled) {
            this.pipelining = enabled;
            return this;
        }

        /**
         * Whether a {@link Client}'s connections speak HTTP/2: negotiated by ALPN over TLS by default; off, or also
         * in plaintext by prior knowledge. See {@link Http2Mode}.
         */
        public Builder http2(Http2Mode mode) {
            this.http2 = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /**
         * Whether a WebSocket opens as a stream of an HTTP/2 connection the client's pool holds to its origin
         * already, as browsers do (RFC 8441), when that connection's server announced SETTINGS_ENABLE_CONNECT_PROTOCOL
         * and has a stream place free; otherwise, or when false, it opens a connection of its own over HTTP/1.1.
         * True by default; it matters only when {@link #http2(Http2Mode)} is not OFF.
         */
        public Builder webSocketsOverHttp2(boolean enabled) {
            this.webSocketsOverHttp2 = enabled;
            return this;
        }

        /**
         * Where the connection for an origin goes (curl's {@code --connect-to}), TLS and the request still speaking
         * of the origin; the origin itself by default.
         */
        public Builder connectTarget(ConnectTarget connectTarget) {
            this.connectTarget = Objects.requireNonNull(connectTarget, "connectTarget");
            return this;
        }

        /** How host names become addresses (curl's {@code --resolve}); the JDK's resolver by default. */
        public Builder resolver(Resolver resolver) {
            this.resolver = Objects.requireNonNull(resolver, "resolver");
            return this;
        }

        /** @throws IllegalArgumentException naming the first option out of range */
        public ClientConfig build() {
            requirePositive(connectTimeout, "connectTimeout");
            requirePositive(readTimeout, "readTimeout");
            requirePositive(pongTimeout, "pongTimeout");
            requirePositive(writeTimeout, "writeTimeout");
            requirePositive(keepWarm, "keepWarm");
            requirePositive(expectContinueTimeout, "expectContinueTimeout");
            if (callTimeout.isNegative()) {
                throw new IllegalArgumentException("callTimeout must not be negative: " + callTimeout);
            }
            requireAtLeast(maxConnectionsPerOrigin, 1, "maxConnectionsPerOrigin");
            requireAtLeast(maxConnections, maxConnectionsPerOrigin, "maxConnections");
            requireAtLeast(maxQueuedRequests, 0, "maxQueuedRequests");
            requireAtLeast(maxStatusLineBytes, 16, "maxStatusLineBytes");
            requireAtLeast(maxHeaderBytes, 1, "maxHeaderBytes");
            requireAtLeast(maxHeaderCount, 1, "maxHeaderCount");
            requireAtLeast(maxChunkLineBytes, 1, "maxChunkLineBytes");
            requireAtLeast(maxBufferedBodyBytes, 0, "maxBufferedBodyBytes");
            requireAtLeast(bufferBytes, 1024, "bufferBytes");
            return new ClientConfig(this);
        }

        private static void requirePositive(Duration value, String name) {
            if (value.isZero() || value.isNegative()) {
                throw new IllegalArgumentException(name + " must be positive: " + value);
            }
        }

        private static void requireAtLeast(int value, int min, String name) {
            if (value < min) {
                throw new IllegalArgumentException(name + " must be at least " + min + ": " + value);
            }
        }
    }
}
