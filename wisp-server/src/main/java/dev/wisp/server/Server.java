package dev.wisp.server;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import dev.wisp.server.internal.ServerContext;
import dev.wisp.server.internal.ServerCounters;
import dev.wisp.server.internal.ServerPorts;
import dev.wisp.tls.TlsConfigException;
import dev.wisp.tls.TlsContext;
import dev.wisp.transport.InputWatcher;
import dev.wisp.transport.JdkWarmUp;
import dev.wisp.transport.HeapPressure;
import dev.wisp.transport.TimeoutSweeper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An HTTP server: one listener thread accepts, and each connection runs on its own virtual thread with blocking
 * I/O until it closes.
 *
 * <pre>{@code
 * Router router = Router.builder().get("/hello", (request, response) -> response.send("hello")).build();
 * try (Server server = Server.create(ServerConfig.builder().port(0).build(), router)) {
 *     server.start();
 *     System.out.println("listening on " + server.port());
 * }
 * }</pre>
 *
 * <p>Thread-safe. A server starts once; {@link #stop(Duration)} (or {@link #close()}, with a grace period of
 * five seconds) stops it for good.
 */
public final class Server implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Server.class.getName());
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(5);

    private final ServerConfig config;
    private final HttpService service;
    private final ServerContext context;
    private final ReentrantLock lifecycle = new ReentrantLock();
    private volatile ServerPorts ports;
    private TimeoutSweeper sweeper;
    private InputWatcher inputWatcher;
    private boolean started;
    private boolean stopped;
    private volatile Instant startedAt;

    private Server(ServerConfig config, HttpService service) {
        this.config = config;
        this.service = service;
        this.context = new ServerContext(config);
    }

    /** Creates a server; nothing listens until {@link #start()}. */
    public static Server create(ServerConfig config, Router router) {
        return create(config, HttpService.of(Objects.requireNonNull(router, "router")));
    }

    /** Creates a server whose requests go through the service's filters to its router; see {@link HttpService}. */
    public static Server create(ServerConfig config, HttpService service) {
        return new Server(Objects.requireNonNull(config, "config"), Objects.requireNonNull(service, "service"));
    }

    /**
     * Binds and starts accepting; returns once the socket is listening.
     *
     * @throws UncheckedIOException if the address cannot be bound
     * @throws IllegalArgumentException if the TLS configuration cannot serve (see the message)
     * @throws IllegalStateException if the server was started before
     */
    public Server start() {
        lifecycle.lock();
        try {
            if (started) {
                throw new IllegalStateException("server was already started");
            }
            started = true;
            JdkWarmUp.runIfSpare();
            if (config.shedLoadUnderHeapPressure()) {
                HeapPressure.watch();
            }
            try {
                ports = ServerPorts.open(context, service);
            } catch (RuntimeException e) {
                stopped = true;
                throw e;
            }
            inputWatcher = startInputWatcher();
            context.inputWatcher(inputWatcher);
            if (config.carrierLoops() > 0) {
                startCarrierLoops();
            }
            sweeper = new TimeoutSweeper(context::sweep, timeouts())
                    .start("wisp-timeouts-" + threadSuffix());
            startedAt = Instant.now();
            ports.start();
            LOG.log(INFO, () -> "listening on " + listeningOn()
                    + (config.tls().isPresent() ? " (https)" : "")
                    + ports.plaintextPort().stream().mapToObj(p -> ", plaintext on port " + p).findFirst()
                            .orElse(""));
            return this;
        } catch (IOException e) {
            stopped = true;
            String where = e instanceof ServerPorts.BindFailure failure ? failure.where() // the plaintext port's too
                    : config.unixSocket().map(path -> "unix:" + path)
                            .orElse(config.bindAddress().getHostAddress() + ":" + config.port());
            throw new UncheckedIOException("cannot listen on " + where + ": " + e.getMessage(), e);
        } finally {
            lifecycle.unlock();
        }
    }

    /**
     * The port the server listens on: the configured one, or the one picked for port 0.
     *
     * @throws IllegalStateException if the server has not started, or listens on a Unix domain socket (see
     *     {@link ServerConfig#unixSocket()})
     */
    public int port() {
        if (config.unixSocket().isPresent()) {
            throw new IllegalStateException("the server listens on the Unix domain socket " + config.unixSocket()
                    .get() + ", not on a port");
        }
        InetSocketAddress address = context.localAddress();
        if (address == null) {
            throw new IllegalStateException("server has not started");
        }
        return address.getPort();
    }

    /**
     * The plaintext port served beside the HTTPS port, if the configuration asked for one.
     *
     * @throws IllegalStateException if the server has not started
     */
    public OptionalInt plaintextPort() {
        return startedPorts().plaintextPort();
    }

    /** How many TLS handshakes failed since start: each is logged at DEBUG only, so this is where they show. */
    public long tlsHandshakeFailures() {
        ServerPorts current = ports;
        return current == null ? 0 : current.tlsHandshakeFailures();
    }

    /**
     * Reads the TLS key material again from its files (certificate rotation) and uses it for new connections;
     * open connections keep theirs. On failure the material in use stays.
     *
     * @throws TlsConfigException if the new material is bad (the message says what is wrong)
     * @throws IllegalStateException if the server has not started or serves no TLS
     */
    public void reloadTls() {
        startedPorts().tls().orElseThrow(() -> new IllegalStateException("the server serves no TLS")).reload();
    }

    /**
     * The TLS context of the HTTPS port: the certificates in use, when they were loaded, the last failed reload.
     *
     * @throws IllegalStateException if the server has not started or serves no TLS
     */
    public TlsContext tls() {
        return startedPorts().tls().orElseThrow(() -> new IllegalStateException("the server serves no TLS"));
    }

    private ServerPorts startedPorts() {
        ServerPorts current = ports;
        if (current == null) {
            throw new IllegalStateException("server has not started");
        }
        return current;
    }

    /** The number of open connections. */
    public int connectionCount() {
        return context.registry().size();
    }

    /**
     * The server's counts now: open connections and WebSockets, connections accepted and refused since start, failed
     * TLS handshakes, and the final responses sent by class. Cheap enough to call per request of a metrics scrape
     * (the WebSockets are counted by a walk of the open connections); the counts are taken as they are, each a moment
     * apart from the others.
     *
     * @throws IllegalStateException if the server has not started
     */
    public ServerStats stats() {
        Instant started = startedAt;
        if (started == null) {
            throw new IllegalStateException("server has not started");
        }
        ServerCounters counters = context.counters();
        return new ServerStats(started, connectionCount(), context.registry().openWebSockets(),
                counters.acceptedConnections(), counters.refusedConnections(), tlsHandshakeFailures(),
                counters.responses());
    }

    /** The open connections as the timeout sweeper sees them, one line; for tests. */
    String describeConnections() {
        return context.registry().describe(System.nanoTime());
    }

    /**
     * Stops the server: stops accepting, closes idle connections, lets exchanges in flight finish within the
     * grace period (their connections close after them), then closes whatever is left and interrupts the handlers
     * still running (an HTTP/2 stream's too, which runs on a thread of its own), and returns when every connection
     * thread and handler has ended, or a minute later if a handler ignores both.
     */
    public void stop(Duration grace) {
        Objects.requireNonNull(grace, "grace");
        lifecycle.lock();
        try {
            if (!started || stopped) {
                stopped = true;
                return;
            }
            stopped = true;
            ports.close();
            context.registry().drain();
            context.runStopActions();
            if (!context.registry().awaitEmpty(grace.toNanos(), TimeUnit.NANOSECONDS)) {
                LOG.log(WARNING, "connections still busy after the grace period of " + grace + "; closing them");
                context.registry().closeAll();
                context.registry().awaitEmpty(1, TimeUnit.MINUTES);
            }
            sweeper.close();
            inputWatcher.close();
            context.closeCarrierLoops();
            LOG.log(INFO, () -> "stopped listening on " + listeningOn());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            context.registry().closeAll();
            sweeper.close();
            inputWatcher.close();
            context.closeCarrierLoops();
        } finally {
            lifecycle.unlock();
        }
    }

    /** What the server's threads are named after: its port, or "unix" for a Unix domain socket. */
    private String threadSuffix() {
        return config.unixSocket().isPresent() ? "unix" : Integer.toString(port());
    }

    /** Where the server listens, for its log lines. */
    private String listeningOn() {
        return config.unixSocket().map(path -> "unix:" + path).orElseGet(() -> String.valueOf(context.localAddress()));
    }

    /** Starts the watcher of idle connections; without one (no descriptor for its selector) nothing listens. */
    private InputWatcher startInputWatcher() throws IOException {
        try {
            return InputWatcher.start("wisp-idle-" + threadSuffix(), context.connectionThreads());
        } catch (IOException e) {
            try {
                ports.close();
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
            throw e;
        }
    }

    /**
     * Starts the carrier loops the configuration asks for.
     *
     * @throws IllegalStateException if the JVM does not let Wisp schedule virtual threads (the message says how to)
     */
    private void startCarrierLoops() throws IOException {
        try {
            context.startCarrierLoops("wisp-loop-" + threadSuffix());
        } catch (IOException | RuntimeException e) {
            inputWatcher.close();
            try {
                ports.close();
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
            throw e;
        }
    }

    private Duration[] timeouts() {
        List<Duration> timeouts = new ArrayList<>(List.of(config.headerTimeout(), config.idleTimeout(),
                config.readTimeout(), config.writeTimeout(), config.lingerTimeout()));
        config.tls().ifPresent(tls -> timeouts.add(tls.handshakeTimeout()));
        timeouts.addAll(service.router().webSocketTimers());
        return timeouts.toArray(Duration[]::new);
    }

    /** Stops with a grace period of five seconds. */
    @Override
    public void close() {
        stop(CLOSE_GRACE);
    }
}
