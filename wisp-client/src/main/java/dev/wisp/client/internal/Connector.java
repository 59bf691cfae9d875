package dev.wisp.client.internal;

import static java.lang.System.Logger.Level.DEBUG;

import dev.wisp.client.CallCanceledException;
import dev.wisp.client.ClientConfig;
import dev.wisp.client.ConnectFailedException;
import dev.wisp.client.ConnectRefusedException;
import dev.wisp.client.ConnectionInfo;
import dev.wisp.client.EventListener;
import dev.wisp.client.Http2Mode;
import dev.wisp.client.Origin;
import dev.wisp.client.ProxyConfig;
import dev.wisp.client.TimeoutExceededException;
import dev.wisp.client.TimeoutExceededException.Timeout;
import dev.wisp.client.TlsHandshakeException;
import dev.wisp.client.UnresolvedHostException;
import dev.wisp.core.BufferPool;
import dev.wisp.core.DirectBufferPool;
import dev.wisp.core.ResponseHead;
import dev.wisp.tls.PublicKeyPinException;
import dev.wisp.tls.TlsContext;
import dev.wisp.tls.TlsSessionInfo;
import dev.wisp.transport.Cadence;
import dev.wisp.transport.JdkWarmUp;
import dev.wisp.transport.CarrierLoops;
import dev.wisp.transport.PlainTransport;
import dev.wisp.transport.StreamSocket;
import dev.wisp.transport.TlsBuffers;
import dev.wisp.transport.TlsTransport;
import dev.wisp.transport.Transport;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * Makes new connections: DNS, then TCP to each address in turn ({@link SocketOpener}), within {@code connectTimeout},
 * then a proxy's TLS and tunnel if there is one, then the TLS handshake within the TLS configuration's
 * {@code handshakeTimeout} (each bounded by the call's deadline, if sooner). Each phase is timed and reported as an
 * event, and each failure becomes its typed exception. TLS engines come from the configuration's {@code TlsContext},
 * made for the origin's host and port: SNI, hostname verification and the session to resume all follow from them.
 *
 * <p>Thread-safe: each call runs on the calling thread; the DNS lookup runs on a virtual thread of its own so
 * that its wait can be bounded.
 */
public final class Connector {
    private static final System.Logger LOG = System.getLogger(Connector.class.getName());

    private static final String[] ALPN_HTTP1 = {"http/1.1"};
    private static final String[] ALPN_HTTP2 = {"h2", "http/1.1"};
    /**
     * How much of a plaintext body one socket read may take, into a direct buffer held only while it has bytes.
     * Read through the caller's 16 KiB array, a 1 MiB download took 68 reads; in reads of up to this size it
     * takes 9, and a fifth less CPU time (wisp-bench's client.sh). Of 64, 128, 256 KiB and 1 MiB, the gain levels
     * off from 256 KiB, which still fits the L2 cache its bytes are copied out of.
     */
    private static final int READ_AHEAD_BYTES = 256 * 1024;
    /**
     * Read-ahead buffers kept for the next download: 4 MiB of direct memory at most, once downloads are done, and
     * for about a second ({@link #trimBuffers}).
     */
    private static final int MAX_POOLED_READ_AHEAD = 16;
    /** How often the pools drop the buffers nobody took since the last time. */
    private static final Duration TRIM_PERIOD = Duration.ofSeconds(1);

    private final ClientConfig config;

    private final BufferPool buffers;
    private final DirectBufferPool readAheadBuffers;
    private final EventListener events;
    private final SocketOpener sockets;
    private volatile TlsBuffers tlsBuffers;
    /** When the pools are trimmed; the sweeper's thread only. */
    private final Cadence trims = new Cadence(TRIM_PERIOD);

    public Connector(ClientConfig config) {
        JdkWarmUp.runIfSpare();
        this.config = config;
        this.buffers = new BufferPool(config.bufferBytes(), 32);
        this.readAheadBuffers = new DirectBufferPool(READ_AHEAD_BYTES, MAX_POOLED_READ_AHEAD);
        this.events = config.eventListener();
        this.sockets = new SocketOpener(config, events, this);
    }

    public ClientConfig config() {
        return config;
    }

    /**
     * For the pool's sweep, every tick: about once a second, the buffer pools (read and write, read-ahead, TLS
     * records) drop the buffers that nobody took since the last time, so that what a burst of calls left in them,
     * up to 4 MiB of direct memory, goes back once it is over.
     */
    void trimBuffers(long nowNanos) {
        if (!trims.isDue(nowNanos)) {
            return;
        }
        buffers.trim();
        readAheadBuffers.trim();
        TlsBuffers records = tlsBuffers;
        if (records != null) {
            records.trim();
        }
    }

    /** The pool of read and write buffers that this connector's connections share. */
    BufferPool buffers() {
        return buffers;
    }

    /** The pool of direct buffers that plaintext bodies are read ahead into. */
    DirectBufferPool readAheadBuffers() {
        return readAheadBuffers;
    }

    /**
     * A new connection to the origin for a pool, ready for its first exchange: over TLS, ALPN offers HTTP/2 too unless
     * the configuration turns it off; {@link Http1ClientConnection#speaksHttp2()} says whether the server took it.
     *
     * @throws IOException as {@code UnresolvedHostException}, {@code ConnectRefusedException},
     *     {@code ConnectFailedException}, {@code TlsHandshakeException}, {@code TimeoutExceededException} (CONNECT or
     *     CALL) or {@code CallCanceledException}
     */
    public Http1ClientConnection connect(Origin origin, CallContext call) throws IOException {
        return connect(origin, call, null, false, config.http2() != Http2Mode.OFF, true);
    }

    /**
     * A new connection to the origin for a WebSocket: through an HTTP proxy, a CONNECT tunnel for an http origin
     * too (RFC 6455 §4.1), since a forward proxy takes requests in absolute-form and would not relay the upgrade.
     */
    public Http1ClientConnection connectForWebSocket(Origin origin, CallContext call) throws IOException {
        return connect(origin, call, null, true, false, false);
    }

    /**
     * A new HTTP/1.1 connection to the origin carrying the user's attachment, which its events get.
     *
     * @param attachment the user's object, or null for none
     */
    public Http1ClientConnection connect(Origin origin, CallContext call, Object attachment) throws IOException {
        return connect(origin, call, attachment, false);
    }

    /**
     * A new connection to the origin carrying the user's attachment, which may speak HTTP/2 if {@code offerHttp2}:
     * offered by ALPN over TLS, by prior knowledge in plaintext; {@link Http1ClientConnection#speaksHttp2()} says.
     */
    public Http1ClientConnection connect(Origin origin, CallContext call, Object attachment, boolean offerHttp2)
            throws IOException {
        return connect(origin, call, attachment, false, offerHttp2, false);
    }

    /**
     * @param alwaysTunnel whether an HTTP proxy tunnels an http origin too, as it always does an https one
     * @param offerHttp2 whether the connection may speak HTTP/2: offered by ALPN over TLS, by prior knowledge in
     *     plaintext if so configured
     * @param mayWaitOnLoop whether the socket may wait in the calling thread's carrier loop, if it runs on one (a
     *     server's handler): for a pool's connections, whose exchanges then wake on that loop without a detour
     *     through the JDK's poller; not for a WebSocket or an explicit connection, which may wait without a thread
     *     in the client's input watcher
     */
    private Http1ClientConnection connect(Origin origin, CallContext call, Object attachment, boolean alwaysTunnel,
            boolean offerHttp2, boolean mayWaitOnLoop) throws IOException {
        JdkWarmUp.runIfSpare(); // if the table was full when the client was made
        ConnectionInfo info = new ConnectionInfo(Http1ClientConnection.nextId(), origin, attachment);
        long deadline = call.deadlineWithin(config.connectTimeout());
        long start = System.nanoTime();
        ProxyConfig proxy = config.proxyFor(origin).orElse(null);
        Origin endpoint = endpoint(origin);
        // Through a proxy, DNS and TCP are for the proxy; the origin's name goes in CONNECT or the request target,
        // or, for socks5:// (as curl does it), the origin's address looked up here.
        Origin peer = proxy == null ? endpoint : Origin.plaintext(proxy.host(), proxy.port());
        boolean unix = config.socketOptions().usesUnixSocket();
        if (proxy != null && config.socketOptions().abstractUnixSocket().isPresent()) {
            throw new ConnectFailedException("a proxy cannot be reached through an abstract Unix socket name", null);
        }
        InetAddress socksTarget = proxy != null && proxy.type() == ProxyConfig.Type.SOCKS5
                ? originAddress(endpoint, call, deadline) : null;
        List<InetAddress> addresses = unix ? List.of() : resolve(peer, call, deadline);
        long resolved = System.nanoTime();
        if (!unix) {
            Events.fire(events, listener -> listener.dnsResolved(info, addresses));
        }
        StreamSocket socket = sockets.open(peer, info, addresses, call, deadline);
        boolean proxyTls = proxy != null && proxy.isTls();
        if (mayWaitOnLoop && !proxyTls) {
            socket = onCurrentLoop(socket);
        }
        Http1ClientConnection connection;
        boolean tunneled = proxy != null && (!proxy.forwardsRequests(origin) || alwaysTunnel);
        try {
            if (proxyTls) {
                socket = proxyTls(socket, proxy, call);
            }
            if (tunneled) {
                ResponseHead answer = tunnel(socket, endpoint, socksTarget, proxy, call, deadline);
                if (answer != null) {
                    Events.fire(events, listener -> listener.tunnelOpened(info, answer));
                }
            }
        } catch (IOException | RuntimeException e) {
            closeQuietly(socket);
            throw e;
        }
        long connectedAt = System.nanoTime();
        try {
            InetSocketAddress remote = socket.remoteAddress();
            Optional<InetSocketAddress> local = socket.localAddress();
            Events.fire(events, listener -> listener.connected(info, remote, local));
            long writeTimeout = config.writeTimeout().toNanos();
            Transport transport = origin.isTls()
                    ? TlsTransport.of(socket, newEngine(origin, offerHttp2), tlsBuffers(), writeTimeout)
                    : PlainTransport.of(socket, writeTimeout);
            connection = new Http1ClientConnection(info, transport, origin.isTls() ? config.tlsContext() : null,
                    buffers, readAheadBuffers, events);
        } catch (IOException | RuntimeException e) {
            closeQuietly(socket);
            throw e;
        }
        // The handshake has its own limit, TlsConfig's handshakeTimeout, from the moment TCP (and a tunnel) is up.
        TlsSessionInfo session = origin.isTls()
                ? handshake(connection, call, call.deadlineWithin(config.tls().handshakeTimeout())) : null;
        long handshaken = System.nanoTime();
        connection.connected(new ConnectionSetup(resolved - start, connectedAt - resolved,
                origin.isTls() ? handshaken - connectedAt : 0, session));
        if (origin.isTls() ? session.alpnProtocol().filter("h2"::equals).isPresent()
                : offerHttp2 && config.http2() == Http2Mode.PRIOR_KNOWLEDGE && (proxy == null || tunneled)) {
            connection.speakHttp2();
        }
        LOG.log(DEBUG, () -> "[" + connection + "] connected");
        return connection;
    }

    /**
     * Where the connection for the origin goes ({@link ClientConfig#connectTarget()}), as TLS or plaintext as the
     * origin is: only the network's end; TLS and the request keep the origin's name.
     */
    private Origin endpoint(Origin origin) {
        Origin target = Objects.requireNonNull(config.connectTarget().of(origin), "the connect target gave null");
        return target.isTls() == origin.isTls() ? target : new Origin(origin.isTls(), target.host(), target.port());
    }

    /** The socket moved to the calling thread's carrier loop if it runs on one and the socket can select; else it. */
    private static StreamSocket onCurrentLoop(StreamSocket socket) throws IOException {
        SocketChannel channel = socket.channel().orElse(null);
        if (channel == null) {
            return socket;
        }
        try {
            StreamSocket onLoop = CarrierLoops.socketOnCurrentLoop(channel);
            return onLoop != null ? onLoop : socket;
        } catch (IOException | RuntimeException | Error e) {
            closeQuietly(socket);
            throw e;
        }
    }

    /** A client engine for the origin, offering HTTP/2 and HTTP/1.1 over ALPN, or HTTP/1.1 alone. */
    private SSLEngine newEngine(Origin origin, boolean offerHttp2) {
        return newEngine(config.tlsContext(), origin.host(), origin.port(), offerHttp2 ? ALPN_HTTP2 : ALPN_HTTP1);
    }

    private static SSLEngine newEngine(TlsContext context, String host, int port, String[] alpn) {
        SSLEngine engine = context.newClientEngine(host, port);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setApplicationProtocols(alpn);
        engine.setSSLParameters(parameters);
        return engine;
    }

    /**
     * TLS to an HTTPS proxy on the freshly connected socket, by the proxy's own TLS configuration, with its own
     * handshake timeout (bounded by the call's deadline): the socket the tunnel or the forwarded requests then
     * use, whose bytes are that TLS connection's plaintext. ALPN offers {@code http/1.1} alone, as curl does.
     *
     * @throws IOException as {@code TlsHandshakeException} naming the proxy, {@code TimeoutExceededException}
     *     (HANDSHAKE or CALL) or {@code CallCanceledException}
     */
    private StreamSocket proxyTls(StreamSocket socket, ProxyConfig proxy, CallContext call) throws IOException {
        TlsContext context = proxy.tlsContext();
        String endpoint = "proxy " + proxy.host() + ":" + proxy.port();
        TlsTransport tls = TlsTransport.of(socket, newEngine(context, proxy.host(), proxy.port(), ALPN_HTTP1),
                tlsBuffers(), config.writeTimeout().toNanos());
        Duration limit = context.config().handshakeTimeout();
        long deadline = call.deadlineWithin(limit);
        AtomicBoolean expired = new AtomicBoolean();
        // Ends a handshake the proxy stalls: the socket's close ends the blocked read.
        ClientSweeper.Sweepable sweep = now -> {
            if (now - deadline >= 0 && expired.compareAndSet(false, true)) {
                closeQuietly(tls::close);
            }
        };
        call.blockedOn(tls);
        ClientSweeper.instance().watch(sweep);
        try {
            tls.handshake();
            context.checkPublicKeyPins(proxy.host(), tls.engine().getSession());
        } catch (PublicKeyPinException e) {
            closeQuietly(tls::close);
            throw Failures.tlsHandshakeFailed(endpoint, new SSLPeerUnverifiedException(e.getMessage(), e));
        } catch (IOException e) {
            closeQuietly(tls::close);
            call.checkNotCanceled();
            if (expired.get()) {
                String what = "TLS handshake with " + endpoint;
                throw call.isCallDeadline(deadline) ? new TimeoutExceededException(Timeout.CALL, what,
                        call.callTimeout()) : new TimeoutExceededException(Timeout.HANDSHAKE, what, limit);
            }
            throw Failures.tlsHandshakeFailed(endpoint, e);
        } finally {
            ClientSweeper.instance().unwatch(sweep);
        }
        return StreamSocket.insideTls(tls);
    }

    /**
     * Runs the TLS handshake within the deadline, which the sweeper enforces through the connection: a peer that
     * takes the TCP connection and never answers the ClientHello costs {@code handshakeTimeout}, no more.
     *
     * @return the session's facts, among them whether an earlier session was resumed
     */
    private TlsSessionInfo handshake(Http1ClientConnection connection, CallContext call, long deadline)
            throws IOException {
        Origin origin = connection.origin();
        Instant started = Instant.now();
        TlsTransport transport = (TlsTransport) connection.transport();
        call.blockedOn(() -> connection.close("call canceled"));
        transport.readDeadline(deadline);
        ClientSweeper.instance().watch(connection);
        try {
            transport.handshake();
        } catch (IOException e) {
            connection.close("TLS handshake failed");
            connection.releaseBuffers();
            call.checkNotCanceled();
            if (connection.expired() != null) {
                String what = "TLS handshake with " + origin.host() + ":" + origin.port();
                throw call.isCallDeadline(deadline)
                        ? new TimeoutExceededException(Timeout.CALL, what, call.callTimeout())
                        : new TimeoutExceededException(Timeout.HANDSHAKE, what, config.tls().handshakeTimeout());
            }
            throw Failures.tlsHandshakeFailed(origin, e);
        } finally {
            ClientSweeper.instance().unwatch(connection);
        }
        try {
            config.tlsContext().checkPublicKeyPins(origin.host(), transport.engine().getSession());
        } catch (PublicKeyPinException e) {
            connection.close("public key pin mismatch");
            connection.releaseBuffers();
            throw Failures.tlsHandshakeFailed(origin, new SSLPeerUnverifiedException(e.getMessage(), e));
        }
        TlsSessionInfo session = config.tlsContext().handshakeCompleted(transport.engine(), started);
        Events.fire(events, listener -> listener.tlsHandshakeDone(connection.info(), session));
        return session;
    }

    /** The origin's first address in the configured order (IPv4/IPv6 preference), for a socks5:// proxy. */
    private InetAddress originAddress(Origin origin, CallContext call, long deadline) throws IOException {
        List<InetAddress> resolved = resolve(origin, call, deadline);
        List<InetAddress> ordered = config.socketOptions().order(resolved);
        return ordered.isEmpty() ? resolved.getFirst() : ordered.getFirst();
    }

    /**
     * Opens a tunnel to the origin through the proxy, mapping its failures: an HTTP CONNECT, or a SOCKS5 CONNECT.
     *
     * @param socksTarget the origin's address for a socks5:// proxy; null to send the name
     * @return an HTTP proxy's answer to the CONNECT; null for a SOCKS5 proxy
     */
    private ResponseHead tunnel(StreamSocket socket, Origin origin, InetAddress socksTarget, ProxyConfig proxy,
            CallContext call, long deadline) throws IOException {
        String what = (proxy.isSocks() ? "SOCKS5 CONNECT to " : "CONNECT to ") + origin.host() + ":" + origin.port()
                + " through " + proxy;
        try {
            if (proxy.isSocks()) {
                call.blockedOn(socket);
                SocksTunnel.open(socket, origin, socksTarget, proxy, deadline);
                return null;
            }
            return ProxyTunnel.open(socket, origin, proxy, deadline);
        } catch (SocketTimeoutException e) {
            call.checkNotCanceled();
            throw timeout(call, deadline, what);
        } catch (ConnectFailedException e) {
            throw e;
        } catch (IOException e) {
            call.checkNotCanceled();
            throw new ConnectFailedException(what + " failed: " + e.getMessage(), e);
        }
    }

    private List<InetAddress> resolve(Origin origin, CallContext call, long deadline) throws IOException {
        CompletableFuture<List<InetAddress>> lookup = new CompletableFuture<>();
        Thread.ofVirtual().name("wisp-dns").start(() -> {
            try {
                List<InetAddress> addresses = List.copyOf(config.resolver().resolve(origin.host(), origin.port()));
                if (addresses.isEmpty()) {
                    throw new UnknownHostException("the resolver gave no address for " + origin.host());
                }
                lookup.complete(addresses);
            } catch (UnknownHostException | RuntimeException | Error e) {
                lookup.completeExceptionally(e); // an Error too: the call would wait out its timeout for nothing
            }
        });
        call.blockedOn(() -> lookup.cancel(false));
        try {
            return lookup.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw timeout(call, deadline, "DNS lookup of " + origin.host());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error error) { // the JDK's own failure, not a name that is not found
                throw new ConnectFailedException("resolving " + origin.host() + " failed: " + error, error);
            }
            throw new UnresolvedHostException(origin.host(), e.getCause());
        } catch (java.util.concurrent.CancellationException e) {
            throw call.canceledException();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CallCanceledException("interrupted while resolving " + origin.host());
        }
    }

    TimeoutExceededException timeout(CallContext call, long deadline, String what) {
        return call.isCallDeadline(deadline)
                ? new TimeoutExceededException(Timeout.CALL, what, call.callTimeout())
                : new TimeoutExceededException(Timeout.CONNECT, what, config.connectTimeout());
    }

    private TlsBuffers tlsBuffers() {
        TlsBuffers made = tlsBuffers;
        if (made == null) {
            synchronized (this) {
                if (tlsBuffers == null) {
                    tlsBuffers = TlsBuffers.forContext(config.tlsContext().sslContext(), 32);
                }
                made = tlsBuffers;
            }
        }
        return made;
    }

    static void closeQuietly(Closeable channel) {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(DEBUG, () -> "close after a failed connect: " + e);
        }
    }
}
