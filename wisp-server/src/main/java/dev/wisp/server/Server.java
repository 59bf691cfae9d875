package dev.wisp.server;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import dev.wisp.server.internal.Listener;
import dev.wisp.server.internal.ServerContext;
import dev.wisp.transport.TimeoutSweeper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.Objects;
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
    private final ServerContext context;
    private final ReentrantLock lifecycle = new ReentrantLock();
    private Listener listener;
    private TimeoutSweeper sweeper;
    private Thread listenerThread;
    private ServerSocketChannel serverChannel;
    private boolean started;
    private boolean stopped;

    private Server(ServerConfig config, Router router) {
        this.config = config;
        this.context = new ServerContext(config, router);
    }

    /** Creates a server; nothing listens until {@link #start()}. */
    public static Server create(ServerConfig config, Router router) {
        return new Server(Objects.requireNonNull(config, "config"), Objects.requireNonNull(router, "router"));
    }

    /**
     * Binds and starts accepting; returns once the socket is listening.
     *
     * @throws UncheckedIOException if the address cannot be bound
     * @throws IllegalStateException if the server was started before
     */
    public Server start() {
        lifecycle.lock();
        try {
            if (started) {
                throw new IllegalStateException("server was already started");
            }
            started = true;
            serverChannel = ServerSocketChannel.open();
            serverChannel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            serverChannel.bind(new InetSocketAddress(config.bindAddress(), config.port()), config.backlog());
            context.localAddress((InetSocketAddress) serverChannel.getLocalAddress());
            sweeper = new TimeoutSweeper(context.registry()::expireLate, config.headerTimeout(),
                    config.idleTimeout(), config.readTimeout(), config.writeTimeout()).start("wisp-timeouts-" + port());
            listener = Listener.http1(context, serverChannel);
            listenerThread = Thread.ofPlatform().name("wisp-listener-" + port()).daemon(false).start(listener);
            LOG.log(INFO, () -> "listening on " + context.localAddress());
            return this;
        } catch (IOException e) {
            stopped = true;
            closeQuietly(serverChannel);
            throw new UncheckedIOException("cannot listen on " + config.bindAddress().getHostAddress() + ":"
                    + config.port() + ": " + e.getMessage(), e);
        } finally {
            lifecycle.unlock();
        }
    }

    /**
     * The port the server listens on: the configured one, or the one picked for port 0.
     *
     * @throws IllegalStateException if the server has not started
     */
    public int port() {
        InetSocketAddress address = context.localAddress();
        if (address == null) {
            throw new IllegalStateException("server has not started");
        }
        return address.getPort();
    }

    /** The number of open connections. */
    public int connectionCount() {
        return context.registry().size();
    }

    /**
     * Stops the server: stops accepting, closes idle connections, lets exchanges in flight finish within the
     * grace period (their connections close after them), then closes whatever is left and interrupts the handlers
     * still running, and returns when every connection thread has ended, or a minute later if a handler ignores
     * both.
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
            listener.close();
            listenerThread.join();
            context.registry().drain();
            if (!context.registry().awaitEmpty(grace.toNanos(), TimeUnit.NANOSECONDS)) {
                LOG.log(WARNING, "connections still busy after the grace period of " + grace + "; closing them");
                context.registry().closeAll();
                context.registry().awaitEmpty(1, TimeUnit.MINUTES);
            }
            sweeper.close();
            LOG.log(INFO, () -> "stopped listening on " + context.localAddress());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            context.registry().closeAll();
            sweeper.close();
        } finally {
            lifecycle.unlock();
        }
    }

    private static void closeQuietly(ServerSocketChannel channel) {
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException e) {
            LOG.log(WARNING, "closing the server socket failed", e);
        }
    }

    /** Stops with a grace period of five seconds. */
    @Override
    public void close() {
        stop(CLOSE_GRACE);
    }
}
