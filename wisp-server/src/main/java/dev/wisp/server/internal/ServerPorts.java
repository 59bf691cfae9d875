package dev.wisp.server.internal;

import static java.lang.System.Logger.Level.WARNING;

import dev.wisp.server.HttpService;
import dev.wisp.server.ServerConfig;
import dev.wisp.tls.TlsConfig;
import dev.wisp.tls.TlsContext;
import dev.wisp.tls.TlsFileWatcher;
import dev.wisp.tls.TlsVersion;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The ports a server listens on and what each serves: one port of plaintext HTTP/1.1; or one HTTPS port, with
 * optionally a second, plaintext one that redirects to it (or serves the same routes); or, in place of the one
 * port, a Unix domain socket. Owns the listener threads
 * and, under TLS, the {@link TlsContext} and its file watcher.
 *
 * <p>Used under the server's lifecycle lock: {@link #open} and {@link #start()} once, {@link #close()} once.
 */
public final class ServerPorts {
    private static final System.Logger LOG = System.getLogger(ServerPorts.class.getName());
    /** The ALPN names of the protocols a TLS port serves, in the server's preference order. */
    private static final List<String> HTTP1_ALPN = List.of("http/1.1");
    private static final List<String> HTTP2_ALPN = List.of("h2", "http/1.1");
    private static final String TLS12_TICKETS_PROPERTY = "jdk.tls.server.enableSessionTicketExtension";

    private final List<ServerSocketChannel> channels = new ArrayList<>();
    private final List<Listener> listeners = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private TlsContext tls;
    private TlsConnections tlsConnections;
    private TlsFileWatcher watcher;
    private UnixSocketFile unixSocketFile;
    private int port;
    private int plaintextPort = -1;

    private ServerPorts() {
    }

    /**
     * Binds every port of the configuration; nothing is accepted before {@link #start()}.
     *
     * @throws IOException if a port cannot be bound; those bound before are closed
     */
    public static ServerPorts open(ServerContext context, HttpService service) throws IOException {
        ServerPorts ports = new ServerPorts();
        try {
            ports.bind(context, service);
        } catch (IOException | RuntimeException e) {
            ports.closeSockets();
            throw e;
        }
        return ports;
    }

    private void bind(ServerContext context, HttpService service) throws IOException {
        ServerConfig config = context.config();
        ServerSocketChannel main;
        if (config.unixSocket().isPresent()) {
            unixSocketFile = new UnixSocketFile(config.unixSocket().get());
            main = unixSocketFile.bind(config.backlog());
            channels.add(main);
            context.localAddress(UnixSocketFile.LOCAL_PEER);
        } else {
            main = bind(config, config.port());
            port = ((InetSocketAddress) main.getLocalAddress()).getPort();
            context.localAddress((InetSocketAddress) main.getLocalAddress());
        }
        Http1Connections http1 = new Http1Connections(context, service);
        if (config.tls().isEmpty()) {
            listeners.add(new Listener(context, main, http1));
            return;
        }
        checkResumptionCanBeOff(config.tls().get());
        tls = TlsContext.create(withServedAlpn(config.tls().get(), config.http2() ? HTTP2_ALPN : HTTP1_ALPN));
        context.tls(tls);
        tlsConnections = new TlsConnections(context, tls, http1);
        listeners.add(new Listener(context, main, tlsConnections));
        if (config.plaintextPort().isPresent()) {
            ServerSocketChannel plain = bind(config, config.plaintextPort().getAsInt());
            plaintextPort = ((InetSocketAddress) plain.getLocalAddress()).getPort();
            // The redirects go through the same filters, so an access log shows them too, but for those that may
            // answer in their place: a password asked for here would be sent in clear text.
            HttpService plainRoutes = config.redirectsToHttps()
                    ? service.forHttpsRedirects(HttpsRedirect.router(port)) : service;
            listeners.add(new Listener(context, plain, new Http1Connections(context, plainRoutes)));
        }
        if (config.tlsFileWatchInterval().isPositive()) {
            watcher = tls.watchFiles(config.tlsFileWatchInterval());
        }
    }

    /**
     * The configuration with ALPN limited to the protocols this server serves, and offering those it serves when it
     * named none (h2 first when HTTP/2 is on): a client that offers h2 and http/1.1 to a server without HTTP/2 then
     * gets http/1.1, never a protocol nobody here speaks.
     */
    private static TlsConfig withServedAlpn(TlsConfig config, List<String> servedAlpn) {
        if (config.alpnProtocols().isEmpty()) {
            return config.toBuilder().alpnProtocols(servedAlpn.toArray(String[]::new)).build();
        }
        List<String> served = config.alpnProtocols().stream().filter(servedAlpn::contains).toList();
        if (served.isEmpty()) {
            throw new IllegalArgumentException("tls alpnProtocols " + config.alpnProtocols()
                    + " name no protocol this server serves: " + servedAlpn);
        }
        return served.equals(config.alpnProtocols()) ? config
                : config.toBuilder().alpnProtocols(served.toArray(String[]::new)).build();
    }

    /**
     * Refuses to start with resumption off and TLS 1.2 on while the JDK acknowledges TLS 1.2 session tickets:
     * the JDK cannot turn those off per context, and with the ticket lifetime that turns TLS 1.3 tickets off, its
     * TLS 1.2 handshake would promise a ticket and never send it, which clients reject. Better a clear refusal at
     * start than broken handshakes.
     */
    private static void checkResumptionCanBeOff(TlsConfig config) {
        boolean tls12 = config.protocols().contains(TlsVersion.TLS_1_2);
        boolean jdkTickets = !"false".equalsIgnoreCase(System.getProperty(TLS12_TICKETS_PROPERTY, "true"));
        if (!config.isSessionResumptionEnabled() && tls12 && jdkTickets) {
            throw new IllegalArgumentException("sessionResumption(false) with TLS 1.2 needs the JVM started with -D"
                    + TLS12_TICKETS_PROPERTY + "=false, since the JDK cannot turn TLS 1.2 session tickets off per"
                    + " server; or allow TLS 1.3 only");
        }
    }

    private ServerSocketChannel bind(ServerConfig config, int port) throws IOException {
        ServerSocketChannel channel = ServerSocketChannel.open();
        channels.add(channel);
        channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        try {
            channel.bind(new InetSocketAddress(config.bindAddress(), port), config.backlog());
        } catch (IOException e) {
            throw new BindFailure(config.bindAddress().getHostAddress() + ":" + port, e);
        }
        return channel;
    }

    /** A port that could not be bound, named: the plaintext one as well as the main one. */
    public static final class BindFailure extends IOException {
        private final String where;

        BindFailure(String where, IOException cause) {
            super(cause.getMessage(), cause);
            this.where = where;
        }

        /** The address and port, {@code 127.0.0.1:8080}. */
        public String where() {
            return where;
        }
    }

    /** Starts a listener thread per port. */
    public void start() {
        for (Listener listener : listeners) {
            String name = "wisp-listener-" + (unixSocketFile != null ? "unix" : listener.port());
            threads.add(Thread.ofPlatform().name(name).daemon(false).start(listener));
        }
    }

    /** The main port: HTTPS under TLS, else plaintext; 0 on a Unix domain socket. */
    public int port() {
        return port;
    }

    /** The plaintext port beside an HTTPS one, if any. */
    public OptionalInt plaintextPort() {
        return plaintextPort < 0 ? OptionalInt.empty() : OptionalInt.of(plaintextPort);
    }

    /** The TLS context of the HTTPS port, if there is one. */
    public Optional<TlsContext> tls() {
        return Optional.ofNullable(tls);
    }

    /** How many TLS handshakes failed so far. */
    public long tlsHandshakeFailures() {
        return tlsConnections == null ? 0 : tlsConnections.handshakeFailures();
    }

    /** Stops accepting on every port and waits for the listener threads to end. */
    public void close() throws InterruptedException {
        if (watcher != null) {
            watcher.close();
        }
        closeSockets();
        for (Thread thread : threads) {
            thread.join();
        }
    }

    private void closeSockets() {
        for (Listener listener : listeners) {
            listener.close();
        }
        for (ServerSocketChannel channel : channels) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.log(WARNING, "closing a server socket failed", e);
            }
        }
        if (unixSocketFile != null) {
            unixSocketFile.remove();
        }
    }
}
