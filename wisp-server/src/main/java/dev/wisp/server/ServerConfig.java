package dev.wisp.server;

import dev.wisp.tls.TlsConfig;
import dev.wisp.transport.CarrierLoops;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Everything a {@link Server} is built from, except its routes. Immutable; make one with {@link #builder()} and
 * derive variants with {@link #toBuilder()}.
 *
 * <p>Limits and timeouts, and what happens when a peer crosses them:
 * <table>
 *   <caption>Limits</caption>
 *   <tr><th>option</th><th>default</th><th>when crossed</th></tr>
 *   <tr><td>{@code maxRequestLineBytes}</td><td>4 KiB</td><td>414 URI Too Long, connection closed</td></tr>
 *   <tr><td>{@code maxHeaderBytes}</td><td>16 KiB</td><td>431, connection closed (also for trailers)</td></tr>
 *   <tr><td>{@code maxHeaderCount}</td><td>100</td><td>431, connection closed (also for trailers)</td></tr>
 *   <tr><td>{@code maxRequestBodyBytes}</td><td>10 MiB</td><td>413 Content Too Large, connection closed; before
 *       the handler runs when Content-Length says so, else when the handler reads past it</td></tr>
 *   <tr><td>{@code maxChunkLineBytes}</td><td>1 KiB</td><td>400 (a chunk-size line with extensions)</td></tr>
 *   <tr><td>{@code maxConnections}</td><td>10,000; one per 64 KiB of a heap under 640 MiB</td><td>the least
 *       recently used idle connection is closed
 *       (an HTTP/2 one gives its place at once, and goes with GOAWAY and a lingering close, up to 64 at once);
 *       if none is idle, a head (request head, TLS handshake, HTTP/2 preface or frame) read for over a second is
 *       ended, or else a request body coming slower than 1 KiB a second for over 2 s, or else a response whose
 *       client has not read for 5 s; else {@code overflowPolicy}: wait, or 503</td></tr>
 *   <tr><td>{@code maxConnectionsPerClient}</td><td>0: no limit</td><td>a client (an IPv4 address, or an IPv6
 *       /64) that holds this many open connections already has its next one refused as a full server's are (503 in
 *       plaintext, closed over TLS), logged at WARNING once a minute at most</td></tr>
 *   <tr><td>{@code headerTimeout}</td><td>10 s</td><td>the whole request head must arrive within it from its
 *       first byte: 408 Request Timeout, connection closed</td></tr>
 *   <tr><td>{@code idleTimeout}</td><td>60 s</td><td>a keep-alive connection with no byte of a new request:
 *       closed without a response, as no request began (a 408 could cross the client's next request)</td></tr>
 *   <tr><td>{@code readTimeout}</td><td>30 s</td><td>a body read that waits longer: 408 if the response is not
 *       committed, connection closed</td></tr>
 *   <tr><td>{@code writeTimeout}</td><td>30 s</td><td>a peer that takes no part of a response write (64 KiB at
 *       most) for longer: connection closed</td></tr>
 *   <tr><td>{@code maxDrainBytes}</td><td>64 KiB</td><td>a body the handler left unread is read and dropped up
 *       to this size to keep the connection; a longer one closes it</td></tr>
 *   <tr><td>{@code lingerTimeout}</td><td>5 s</td><td>after an answer sent before the request was read whole
 *       (a 413, say), the connection half-closes and reads and drops what the client still sends, so the client
 *       can read the answer instead of a reset; it closes at the client's end of stream or after this long</td></tr>
 *   <tr><td>{@code maxLingerBytes}</td><td>1 MiB</td><td>the most that lingering close reads and drops; past it
 *       the connection closes at once (the client may then see a reset)</td></tr>
 * </table>
 * {@code bufferBytes} (8 KiB) is the size of each pooled read or write buffer; a request line must fit in one, and a
 * field line longer than one is read into an array of its own, up to {@code maxHeaderBytes}, dropped once the line
 * is read (so a head with one field near the limit is taken as HTTP/2 takes it). At most {@code maxPooledBuffers}
 * (64) free buffers are kept for reuse, and at most as many idle connections in a burst of requests keep their read
 * buffer while they wait.
 *
 * <p>A connection switched to WebSocket by a route ({@link Router.Builder#webSocket}) leaves the HTTP limits and
 * timeouts above behind, {@code writeTimeout} apart: its own are in its route's
 * {@code dev.wisp.websocket.WebSocketConfig}. It still counts against {@code maxConnections}, and is never
 * closed to make room for a new one.
 *
 * <p>Transport: plaintext by default. With {@code tls(TlsConfig)} the port serves HTTPS (the TLS options, the
 * handshake timeout among them, are in {@link TlsConfig}); {@code plaintextPort} then also serves plaintext on a
 * second port, which redirects every request to HTTPS (308) unless {@code redirectToHttps(false)}.
 * {@code unixSocket(path)} listens on a Unix domain socket instead of a TCP port, with every protocol and option.
 * {@code tlsFileWatchInterval} (off by default) reloads the key material when its files change, for new
 * connections.
 *
 * <p>HTTP/2: off by default; {@code http2(true)} serves it beside HTTP/1.1, over TLS to clients that choose
 * {@code h2} by ALPN, and in plaintext to clients that start with the HTTP/2 connection preface (prior knowledge,
 * RFC 9113 §3.3; the deprecated {@code Upgrade: h2c} is not taken up). The same routes and filters serve both.
 * {@code maxConcurrentStreams} (100) is the SETTINGS_MAX_CONCURRENT_STREAMS a connection announces; a stream past
 * it is refused (REFUSED_STREAM). It also bounds the handlers a connection runs at once, counted until they return
 * (also after the client reset their stream): a stream over that waits for a place. {@code maxStreamResets} (200 at
 * once, 20 a second) bounds the streams a client resets, or makes the server reset or refuse, on one connection: past
 * it GOAWAY ENHANCE_YOUR_CALM. {@code maxHeaderBytes} bounds a request's decoded header list
 * (SETTINGS_MAX_HEADER_LIST_SIZE; past it 431, and the connection goes on),
 * {@code idleTimeout} a connection without streams, {@code headerTimeout} also each frame from its first byte (a
 * header block with its CONTINUATION frames; past it GOAWAY PROTOCOL_ERROR), {@code readTimeout} a wait for a body's
 * next DATA, and {@code writeTimeout} also a wait for the client to open its flow-control window.
 *
 * <p>Scheduling: {@code carrierLoops(n)} runs the connections' virtual threads on {@code n} event loops of Wisp's own
 * (0, the default: on the JDK's scheduler), each a platform thread that waits in a selector for its connections'
 * sockets and runs their threads itself, as a Netty event loop does; see {@code CarrierLoops} in the transport.
 * It needs the JVM option {@code --add-opens java.base/java.lang=ALL-UNNAMED}; {@code start()} fails without it.
 * The system property {@code wisp.server.carrierLoops} sets the default, for an application that does not choose.
 *
 * <p>Over 500 lines: each option is a field, an accessor, a builder setter and a check, and the options are read
 * together, so they stay in one place rather than in groups a user would have to know.
 */
public final class ServerConfig {
    /** The system property whose value, when set, is the builder's default {@code carrierLoops}. */
    public static final String CARRIER_LOOPS_PROPERTY = "wisp.server.carrierLoops";
    /** The longest path a Unix domain socket may have on Linux: {@code sun_path} less its terminating NUL. */
    private static final int MAX_UNIX_SOCKET_PATH_BYTES = 107;
    private static final int DEFAULT_MAX_CONNECTIONS = 10_000;
    /** How much heap a connection is given by default ({@link Builder#defaultMaxConnections}). */
    private static final long HEAP_BYTES_PER_CONNECTION = 64 * 1024;
    /** How much heap an HTTP/2 stream is given by default ({@link Builder#defaultMaxActiveStreams}). */
    private static final long HEAP_BYTES_PER_STREAM = 128 * 1024;

    private final InetAddress bindAddress;
    private final int port;
    private final Path unixSocket;
    private final int backlog;
    private final int maxConnections;
    private final OverflowPolicy overflowPolicy;
    private final int maxConnectionsPerClient;
    private final int maxRequestLineBytes;
    private final int maxHeaderBytes;
    private final int maxHeaderCount;
    private final long maxRequestBodyBytes;
    private final int maxChunkLineBytes;
    private final int bufferBytes;
    private final int maxPooledBuffers;
    private final long maxDrainBytes;
    private final Duration lingerTimeout;
    private final long maxLingerBytes;
    private final Duration headerTimeout;
    private final Duration idleTimeout;
    private final Duration readTimeout;
    private final Duration writeTimeout;
    private final ConnectionListener connectionListener;
    private final TlsConfig tls;
    private final int plaintextPort;
    private final boolean redirectToHttps;
    private final Duration tlsFileWatchInterval;
    private final boolean http2;
    private final int carrierLoops;
    private final int maxConcurrentStreams;
    private final long maxHeldContentBytes;
    private final int maxActiveStreams;
    private final int maxStreamResetBurst;
    private final int maxStreamResetsPerSecond;
    private final boolean shedLoadUnderHeapPressure;

    private ServerConfig(Builder builder) {
        this.bindAddress = builder.bindAddress;
        this.port = builder.port;
        this.unixSocket = builder.unixSocket;
        this.backlog = builder.backlog;
        this.maxConnections = builder.maxConnections;
        this.overflowPolicy = builder.overflowPolicy;
        this.maxConnectionsPerClient = builder.maxConnectionsPerClient;
        this.maxRequestLineBytes = builder.maxRequestLineBytes;
        this.maxHeaderBytes = builder.maxHeaderBytes;
        this.maxHeaderCount = builder.maxHeaderCount;
        this.maxRequestBodyBytes = builder.maxRequestBodyBytes;
        this.maxChunkLineBytes = builder.maxChunkLineBytes;
        this.bufferBytes = builder.bufferBytes;
        this.maxPooledBuffers = builder.maxPooledBuffers;
        this.maxDrainBytes = builder.maxDrainBytes;
        this.lingerTimeout = builder.lingerTimeout;
        this.maxLingerBytes = builder.maxLingerBytes;
        this.headerTimeout = builder.headerTimeout;
        this.idleTimeout = builder.idleTimeout;
        this.readTimeout = builder.readTimeout;
        this.writeTimeout = builder.writeTimeout;
        this.connectionListener = builder.connectionListener;
        this.tls = builder.tls;
        this.plaintextPort = builder.plaintextPort;
        this.redirectToHttps = builder.redirectToHttps;
        this.tlsFileWatchInterval = builder.tlsFileWatchInterval;
        this.http2 = builder.http2;
        this.carrierLoops = builder.carrierLoops;
        this.maxConcurrentStreams = builder.maxConcurrentStreams;
        this.maxHeldContentBytes = builder.maxHeldContentBytes;
        this.maxActiveStreams = builder.maxActiveStreams;
        this.maxStreamResetBurst = builder.maxStreamResetBurst;
        this.maxStreamResetsPerSecond = builder.maxStreamResetsPerSecond;
        this.shedLoadUnderHeapPressure = builder.shedLoadUnderHeapPressure;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The default configuration: loopback, port 8080. */
    public static ServerConfig defaults() {
        return builder().build();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The address to listen on; the loopback address unless set, so nothing is exposed by accident. */
    public InetAddress bindAddress() {
        return bindAddress;
    }

    /** The port to listen on; 0 picks a free one, readable from {@link Server#port()} after start. */
    public int port() {
        return port;
    }

    /**
     * The Unix domain socket the server listens on instead of a TCP port, if one was set; see
     * {@link Builder#unixSocket(Path)}.
     */
    public Optional<Path> unixSocket() {
        return Optional.ofNullable(unixSocket);
    }

    public int backlog() {
        return backlog;
    }

    public int maxConnections() {
        return maxConnections;
    }

    public OverflowPolicy overflowPolicy() {
        return overflowPolicy;
    }

    /** The most connections one client may hold open at once; 0 for no limit. */
    public int maxConnectionsPerClient() {
        return maxConnectionsPerClient;
    }

    public int maxRequestLineBytes() {
        return maxRequestLineBytes;
    }

    public int maxHeaderBytes() {
        return maxHeaderBytes;
    }

    public int maxHeaderCount() {
        return maxHeaderCount;
    }

    public long maxRequestBodyBytes() {
        return maxRequestBodyBytes;
    }

    public int maxChunkLineBytes() {
        return maxChunkLineBytes;
    }

    public int bufferBytes() {
        return bufferBytes;
    }

    public int maxPooledBuffers() {
        return maxPooledBuffers;
    }

    public long maxDrainBytes() {
        return maxDrainBytes;
    }

    /** How long a lingering close may read and drop what the client still sends; see the table above. */
    public Duration lingerTimeout() {
        return lingerTimeout;
    }

    /** The most a lingering close reads and drops; see the table above. */
    public long maxLingerBytes() {
        return maxLingerBytes;
    }

    public Duration headerTimeout() {
        return headerTimeout;
    }

    public Duration idleTimeout() {
        return idleTimeout;
    }

    public Duration readTimeout() {
        return readTimeout;
    }

    public Duration writeTimeout() {
        return writeTimeout;
    }

    public ConnectionListener connectionListener() {
        return connectionListener;
    }

    /** The TLS configuration of {@link #port()}, or empty when it serves plaintext. */
    public Optional<TlsConfig> tls() {
        return Optional.ofNullable(tls);
    }

    /** The second port that serves plaintext beside an HTTPS port, if any. */
    public OptionalInt plaintextPort() {
        return plaintextPort < 0 ? OptionalInt.empty() : OptionalInt.of(plaintextPort);
    }

    /** Whether the {@link #plaintextPort()} answers every request with a redirect to HTTPS. */
    public boolean redirectsToHttps() {
        return redirectToHttps;
    }

    /** How often the TLS key material files are checked for changes; zero when they are not watched. */
    public Duration tlsFileWatchInterval() {
        return tlsFileWatchInterval;
    }

    /** Whether the server speaks HTTP/2 beside HTTP/1.1. */
    public boolean http2() {
        return http2;
    }

    /** How many carrier loops run the connections' threads; 0 when the JDK's scheduler does. */
    public int carrierLoops() {
        return carrierLoops;
    }

    /** Whether this JVM can run {@link Builder#carrierLoops carrier loops}: it opens java.lang to Wisp. */
    public static boolean carrierLoopsAvailable() {
        return CarrierLoops.available();
    }

    /** The JVM option that makes carrier loops available, for a message to the user. */
    public static String carrierLoopsJvmOption() {
        return CarrierLoops.howToEnable();
    }

    public int maxConcurrentStreams() {
        return maxConcurrentStreams;
    }

    /** How many bytes of HTTP/2 request content all connections may hold unread at once; see the builder's. */
    public long maxHeldContentBytes() {
        return maxHeldContentBytes;
    }

    /** How many HTTP/2 streams all connections together may have running at once; see the builder's. */
    public int maxActiveStreams() {
        return maxActiveStreams;
    }

    /** How many HTTP/2 stream resets a connection takes at once; see {@link Builder#maxStreamResets}. */
    public int maxStreamResetBurst() {
        return maxStreamResetBurst;
    }

    /** How many HTTP/2 stream resets a second a connection takes for good; see {@link Builder#maxStreamResets}. */
    public int maxStreamResetsPerSecond() {
        return maxStreamResetsPerSecond;
    }

    /** Whether the server sheds load while the heap is nearly full; see {@link Builder#shedLoadUnderHeapPressure}. */
    public boolean shedLoadUnderHeapPressure() {
        return shedLoadUnderHeapPressure;
    }

    /** Builds a {@link ServerConfig}; every option has a default, checked together in {@link #build()}. */
    public static final class Builder {
        private InetAddress bindAddress = InetAddress.getLoopbackAddress();
        private int port = 8080;
        private Path unixSocket;
        private int backlog = 1024;
        private int maxConnections = defaultMaxConnections(Runtime.getRuntime().maxMemory());
        private OverflowPolicy overflowPolicy = OverflowPolicy.WAIT;
        private int maxConnectionsPerClient;
        private int maxRequestLineBytes = 4 * 1024;
        private int maxHeaderBytes = 16 * 1024;
        private int maxHeaderCount = 100;
        private long maxRequestBodyBytes = 10L * 1024 * 1024;
        private int maxChunkLineBytes = 1024;
        private int bufferBytes = 8 * 1024;
        private int maxPooledBuffers = 64;
        private long maxDrainBytes = 64 * 1024;
        private Duration lingerTimeout = Duration.ofSeconds(5);
        private long maxLingerBytes = 1024 * 1024;
        private Duration headerTimeout = Duration.ofSeconds(10);
        private Duration idleTimeout = Duration.ofSeconds(60);
        private Duration readTimeout = Duration.ofSeconds(30);
        private Duration writeTimeout = Duration.ofSeconds(30);
        private ConnectionListener connectionListener = new ConnectionListener() { };
        private TlsConfig tls;
        private int plaintextPort = -1;
        private boolean redirectToHttps = true;
        private Duration tlsFileWatchInterval = Duration.ZERO;
        private boolean http2;
        private int carrierLoops = Integer.getInteger(CARRIER_LOOPS_PROPERTY, 0);
        private int maxConcurrentStreams = 100;
        private long maxHeldContentBytes = Math.max(16L << 20, Runtime.getRuntime().maxMemory() / 4);
        private int maxActiveStreams = defaultMaxActiveStreams(Runtime.getRuntime().maxMemory());
        private int maxStreamResetBurst = 200;
        private int maxStreamResetsPerSecond = 20;
        private boolean shedLoadUnderHeapPressure = true;

        private Builder() {
        }

        private Builder(ServerConfig config) {
            bindAddress = config.bindAddress;
            port = config.port;
            unixSocket = config.unixSocket;
            backlog = config.backlog;
            maxConnections = config.maxConnections;
            overflowPolicy = config.overflowPolicy;
            maxConnectionsPerClient = config.maxConnectionsPerClient;
            maxRequestLineBytes = config.maxRequestLineBytes;
            maxHeaderBytes = config.maxHeaderBytes;
            maxHeaderCount = config.maxHeaderCount;
            maxRequestBodyBytes = config.maxRequestBodyBytes;
            maxChunkLineBytes = config.maxChunkLineBytes;
            bufferBytes = config.bufferBytes;
            maxPooledBuffers = config.maxPooledBuffers;
            maxDrainBytes = config.maxDrainBytes;
            lingerTimeout = config.lingerTimeout;
            maxLingerBytes = config.maxLingerBytes;
            headerTimeout = config.headerTimeout;
            idleTimeout = config.idleTimeout;
            readTimeout = config.readTimeout;
            writeTimeout = config.writeTimeout;
            connectionListener = config.connectionListener;
            tls = config.tls;
            plaintextPort = config.plaintextPort;
            redirectToHttps = config.redirectToHttps;
            tlsFileWatchInterval = config.tlsFileWatchInterval;
            http2 = config.http2;
            carrierLoops = config.carrierLoops;
            maxConcurrentStreams = config.maxConcurrentStreams;
            maxHeldContentBytes = config.maxHeldContentBytes;
            maxActiveStreams = config.maxActiveStreams;
            maxStreamResetBurst = config.maxStreamResetBurst;
            maxStreamResetsPerSecond = config.maxStreamResetsPerSecond;
            shedLoadUnderHeapPressure = config.shedLoadUnderHeapPressure;
        }

        /** The address to listen on; see {@link ServerConfig#bindAddress()}. Not used with a Unix domain socket. */
        public Builder bindAddress(InetAddress bindAddress) {
            this.bindAddress = Objects.requireNonNull(bindAddress, "bindAddress");
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /**
         * Listens on a Unix domain socket at this path instead of on {@code bindAddress} and {@code port}, as nginx's
         * {@code listen unix:} and libwebsockets' {@code LWS_SERVER_OPTION_UNIX_SOCK}: for a server that only local
         * processes may reach, guarded by the file's permissions rather than by a port anyone on the host can connect
         * to (an application behind nginx's {@code proxy_pass http://unix:...}, a device daemon's local API). Every
         * protocol and option serves there as on TCP: HTTP/1.1, HTTP/2 (prior knowledge in plaintext, ALPN over
         * TLS), WebSocket, TLS. The file is made at start, with the permissions the process's umask leaves; a file
         * left there by a server that has gone (a socket nobody listens on) is replaced, while one a live server
         * listens on, or a file that is no socket, makes {@code start()} fail. It is removed at stop, unless another
         * server has replaced it meanwhile. A peer on a Unix socket has no address: {@link ConnectionInfo} gives the
         * loopback address and port 0 for both ends, so the per-client limits count every local peer as one client,
         * as loopback ones are. {@code null} (the default) listens on TCP.
         */
        public Builder unixSocket(Path unixSocket) {
            this.unixSocket = unixSocket;
            return this;
        }

        public Builder backlog(int backlog) {
            this.backlog = backlog;
            return this;
        }

        /**
         * The default {@link #maxConnections}: 10,000, or on a heap under 640 MiB one connection per 64 KiB of it (512
         * on 32 MiB), 64 at least. A connection reading a request head holds up to about 40 KiB (the head's bytes,
         * its fields as text, a read buffer, its thread's frames) for as long as its client takes to send the rest,
         * so that 10,000 of them filled a small heap; with this default, request heads alone cannot.
         */
        static int defaultMaxConnections(long maxHeapBytes) {
            return (int) Math.max(64, Math.min(DEFAULT_MAX_CONNECTIONS, maxHeapBytes / HEAP_BYTES_PER_CONNECTION));
        }

        public Builder maxConnections(int maxConnections) {
            this.maxConnections = maxConnections;
            return this;
        }

        /**
         * Limits the connections one client may hold open at once, so that no client can take the places
         * {@code maxConnections} shares among all (or have other clients' idle connections closed to make room for
         * its own). A client is an IPv4 address, or an IPv6 /64 prefix, as a host mostly owns a whole /64. Clients
         * behind one NAT or proxy share a limit. 0, the default, sets none.
         */
        public Builder maxConnectionsPerClient(int maxConnectionsPerClient) {
            this.maxConnectionsPerClient = maxConnectionsPerClient;
            return this;
        }

        public Builder overflowPolicy(OverflowPolicy overflowPolicy) {
            this.overflowPolicy = Objects.requireNonNull(overflowPolicy, "overflowPolicy");
            return this;
        }

        public Builder maxRequestLineBytes(int maxRequestLineBytes) {
            this.maxRequestLineBytes = maxRequestLineBytes;
            return this;
        }

        public Builder maxHeaderBytes(int maxHeaderBytes) {
            this.maxHeaderBytes = maxHeaderBytes;
            return this;
        }

        public Builder maxHeaderCount(int maxHeaderCount) {
            this.maxHeaderCount = maxHeaderCount;
            return this;
        }

        public Builder maxRequestBodyBytes(long maxRequestBodyBytes) {
            this.maxRequestBodyBytes = maxRequestBodyBytes;
            return this;
        }

        public Builder maxChunkLineBytes(int maxChunkLineBytes) {
            this.maxChunkLineBytes = maxChunkLineBytes;
            return this;
        }

        public Builder bufferBytes(int bufferBytes) {
            this.bufferBytes = bufferBytes;
            return this;
        }

        public Builder maxPooledBuffers(int maxPooledBuffers) {
            this.maxPooledBuffers = maxPooledBuffers;
            return this;
        }

        public Builder maxDrainBytes(long maxDrainBytes) {
            this.maxDrainBytes = maxDrainBytes;
            return this;
        }

        public Builder lingerTimeout(Duration lingerTimeout) {
            this.lingerTimeout = Objects.requireNonNull(lingerTimeout, "lingerTimeout");
            return this;
        }

        public Builder maxLingerBytes(long maxLingerBytes) {
            this.maxLingerBytes = maxLingerBytes;
            return this;
        }

        public Builder headerTimeout(Duration headerTimeout) {
            this.headerTimeout = Objects.requireNonNull(headerTimeout, "headerTimeout");
            return this;
        }

        public Builder idleTimeout(Duration idleTimeout) {
            this.idleTimeout = Objects.requireNonNull(idleTimeout, "idleTimeout");
            return this;
        }

        public Builder readTimeout(Duration readTimeout) {
            this.readTimeout = Objects.requireNonNull(readTimeout, "readTimeout");
            return this;
        }

        public Builder writeTimeout(Duration writeTimeout) {
            this.writeTimeout = Objects.requireNonNull(writeTimeout, "writeTimeout");
            return this;
        }

        public Builder connectionListener(ConnectionListener connectionListener) {
            this.connectionListener = Objects.requireNonNull(connectionListener, "connectionListener");
            return this;
        }

        /** Serves HTTPS on {@link #port(int)} with this configuration; it needs at least one identity. */
        public Builder tls(TlsConfig tls) {
            this.tls = Objects.requireNonNull(tls, "tls");
            return this;
        }

        /** Serves plaintext only: the default. */
        public Builder plaintext() {
            this.tls = null;
            this.plaintextPort = -1;
            return this;
        }

        /** Also serves plaintext on this port (0 = ephemeral), beside the HTTPS port; needs {@link #tls}. */
        public Builder plaintextPort(int plaintextPort) {
            this.plaintextPort = plaintextPort;
            return this;
        }

        /** Whether the plaintext port redirects every request to HTTPS (true, the default) or serves them. */
        public Builder redirectToHttps(boolean redirectToHttps) {
            this.redirectToHttps = redirectToHttps;
            return this;
        }

        /** Checks the TLS key material files this often and reloads them when they change; zero turns it off. */
        public Builder tlsFileWatchInterval(Duration interval) {
            this.tlsFileWatchInterval = Objects.requireNonNull(interval, "interval");
            return this;
        }

        /**
         * Runs the connections' virtual threads on this many carrier loops of Wisp's own instead of the JDK's
         * scheduler; 0 (the default) for the JDK's. One per core is the usual choice. Needs the JVM option
         * {@code --add-opens java.base/java.lang=ALL-UNNAMED}.
         */
        public Builder carrierLoops(int carrierLoops) {
            this.carrierLoops = carrierLoops;
            return this;
        }

        /** Whether to serve HTTP/2 beside HTTP/1.1: by ALPN over TLS, by prior knowledge in plaintext. */
        public Builder http2(boolean http2) {
            this.http2 = http2;
            return this;
        }

        /** The most HTTP/2 streams a client may have open on one connection at a time. */
        public Builder maxConcurrentStreams(int maxConcurrentStreams) {
            this.maxConcurrentStreams = maxConcurrentStreams;
            return this;
        }

        /**
         * How many bytes of HTTP/2 request content (WebSocket messages over HTTP/2 included, and over HTTP/1.1 from
         * their first bytes until their listener returns, past which they close with 1013) all connections together
         * may hold unread by their handlers at once; a quarter of the heap's maximum by default, 16 MiB at least.
         * Each connection's windows bound what it holds (1 MiB of requests, 256 KiB a WebSocket stream), not what
         * many hold together: content past this resets its stream with ENHANCE_YOUR_CALM, and the server says so
         * once. Content a handler reads as it comes holds none of it for long.
         */
        public Builder maxHeldContentBytes(long bytes) {
            this.maxHeldContentBytes = bytes;
            return this;
        }

        /**
         * How many HTTP/2 streams all connections together may have running at once (each runs a handler, with its
         * buffers and its thread's frames); one per 128 KiB of the heap's maximum by default (256 on 32 MiB), 64 at
         * least. {@code maxConcurrentStreams} bounds one connection's, not what many connections multiply: 40
         * connections of 50 streams each, fetching a file (h2load's load, not an attack), filled a 32 MiB heap, and
         * the server never served again. A stream past it is refused with REFUSED_STREAM, which tells the client that
         * no work began, so that it may send it again (RFC 9113 §8.7); said once as it starts and once as it ends.
         */
        public Builder maxActiveStreams(int maxActiveStreams) {
            this.maxActiveStreams = maxActiveStreams;
            return this;
        }

        /** The default {@link #maxActiveStreams}: one per 128 KiB of a heap of this size, 64 at least. */
        static int defaultMaxActiveStreams(long maxHeapBytes) {
            return (int) Math.max(64, Math.min(Integer.MAX_VALUE, maxHeapBytes / HEAP_BYTES_PER_STREAM));
        }

        /**
         * How many HTTP/2 streams a client may reset on one connection, counting those the server resets or refuses
         * because of the client (a stream error, a stream past {@code maxConcurrentStreams}): {@code burst} at once,
         * and {@code perSecond} for good, as a token bucket. Past it the connection ends with GOAWAY
         * ENHANCE_YOUR_CALM: the defence against the "rapid reset" of CVE-2023-44487 and the "MadeYouReset" of
         * CVE-2025-8671, which cost the server a stream's work each for nothing. The defaults (200 and 20) leave a
         * browser room to cancel a page's requests at once; a server behind a gateway that multiplexes many users'
         * cancellations on one connection may need more.
         */
        public Builder maxStreamResets(int burst, int perSecond) {
            this.maxStreamResetBurst = burst;
            this.maxStreamResetsPerSecond = perSecond;
            return this;
        }

        /**
         * Whether the server sheds load while garbage collections leave the heap nearly full (at least 80%, until
         * they leave it below 65%): new connections wait in the listen backlog, requests that begin meanwhile are
         * answered 503 and their connections closed (a new HTTP/2 stream is refused, REFUSED_STREAM), WebSocket
         * messages that need more memory are refused (close 1013, try again later), and connections that make no
         * progress in a read or write between two looks of the timeout sweeper are closed (idle keep-alive
         * connections and request heads that never end, downloads and echoes nobody reads), as Jetty's
         * low-resources monitor does. On by default: clients that hold the heap full otherwise leave the JVM's own
         * threads to die of the {@link OutOfMemoryError} (among them the poller that wakes every blocked read), and
         * the server never answers again. Said once as it starts and once as it ends. Off for an application whose
         * live data alone keeps the heap this full; give it a larger heap instead, if it can.
         */
        public Builder shedLoadUnderHeapPressure(boolean shed) {
            this.shedLoadUnderHeapPressure = shed;
            return this;
        }

        /**
         * @throws IllegalArgumentException naming the first option out of range
         */
        public ServerConfig build() {
            check(port >= 0 && port <= 65535, "port must be 0..65535: " + port);
            check(backlog > 0, "backlog must be positive: " + backlog);
            check(maxConnections > 0, "maxConnections must be positive: " + maxConnections);
            check(maxConnectionsPerClient >= 0,
                    "maxConnectionsPerClient must not be negative: " + maxConnectionsPerClient);
            check(bufferBytes >= 256, "bufferBytes must be at least 256: " + bufferBytes);
            check(maxRequestLineBytes > 0 && maxRequestLineBytes + 2 <= bufferBytes,
                    "maxRequestLineBytes must be positive and fit with its CRLF in bufferBytes (" + bufferBytes
                            + "): " + maxRequestLineBytes);
            check(maxHeaderBytes > 0, "maxHeaderBytes must be positive: " + maxHeaderBytes);
            check(maxHeaderCount > 0, "maxHeaderCount must be positive: " + maxHeaderCount);
            check(maxRequestBodyBytes >= 0, "maxRequestBodyBytes must not be negative: " + maxRequestBodyBytes);
            check(maxChunkLineBytes > 0 && maxChunkLineBytes + 2 <= bufferBytes,
                    "maxChunkLineBytes must be positive and fit with its CRLF in bufferBytes (" + bufferBytes
                            + "): " + maxChunkLineBytes);
            check(maxPooledBuffers >= 0, "maxPooledBuffers must not be negative: " + maxPooledBuffers);
            check(carrierLoops >= 0, "carrierLoops must not be negative: " + carrierLoops);
            check(maxDrainBytes >= 0, "maxDrainBytes must not be negative: " + maxDrainBytes);
            check(maxLingerBytes >= 0, "maxLingerBytes must not be negative: " + maxLingerBytes);
            checkTimeout(lingerTimeout, "lingerTimeout");
            checkTimeout(headerTimeout, "headerTimeout");
            checkTimeout(idleTimeout, "idleTimeout");
            checkTimeout(readTimeout, "readTimeout");
            checkTimeout(writeTimeout, "writeTimeout");
            check(plaintextPort < 0 || tls != null, "plaintextPort needs tls: a plaintext server has one port");
            check(plaintextPort < 0 || plaintextPort <= 65535, "plaintextPort must be 0..65535: " + plaintextPort);
            check(plaintextPort <= 0 || plaintextPort != port, "plaintextPort must differ from port: " + port);
            check(unixSocket == null || plaintextPort < 0,
                    "plaintextPort needs a TCP port: a server on a Unix domain socket listens there alone");
            check(unixSocket == null || unixSocket.toString().getBytes(StandardCharsets.UTF_8).length
                    <= MAX_UNIX_SOCKET_PATH_BYTES, "unixSocket path must be at most " + MAX_UNIX_SOCKET_PATH_BYTES
                    + " bytes (the kernel's limit): " + unixSocket);
            check(tls == null || !tls.identities().isEmpty(),
                    "tls needs a certificate and key (an identity) to serve HTTPS");
            check(!tlsFileWatchInterval.isNegative(), "tlsFileWatchInterval must not be negative");
            check(maxConcurrentStreams > 0, "maxConcurrentStreams must be positive: " + maxConcurrentStreams);
            check(maxHeldContentBytes > 0, "maxHeldContentBytes must be positive: " + maxHeldContentBytes);
            check(maxActiveStreams > 0, "maxActiveStreams must be positive: " + maxActiveStreams);
            check(maxStreamResetBurst > 0 && maxStreamResetsPerSecond > 0, "maxStreamResets must be positive: "
                    + maxStreamResetBurst + " at once, " + maxStreamResetsPerSecond + " a second");
            return new ServerConfig(this);
        }

        private static void checkTimeout(Duration timeout, String name) {
            check(!timeout.isNegative() && !timeout.isZero() && timeout.toMillis() <= Integer.MAX_VALUE,
                    name + " must be positive and at most " + Integer.MAX_VALUE + " ms: " + timeout);
        }

        private static void check(boolean condition, String message) {
            if (!condition) {
                throw new IllegalArgumentException(message);
            }
        }
    }
}
