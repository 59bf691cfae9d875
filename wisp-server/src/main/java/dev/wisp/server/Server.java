package dev.wisp.server;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import dev.wisp.server.internal.Listener;
import dev.wisp.server.internal.ServerContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
    private ExecutorService connections;
    private Listener listener;
    private Thread listenerThread;
    private ServerSocket serverSocket;
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
            serverSocket = new ServerSocket();
            serverSocket.setReuseAddress(true);
            serverSocket.bind(new InetSocketAddress(config.bindAddress(), config.port()), config.backlog());
            connections = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("wisp-conn-", 1).factory());
            listener = new Listener(context, serverSocket, connections);
            listenerThread = Thread.ofPlatform().name("wisp-listener-" + port()).daemon(false).start(listener);
            LOG.log(INFO, () -> "listening on " + serverSocket.getLocalSocketAddress());
            return this;
        } catch (IOException e) {
            stopped = true;
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
        if (serverSocket == null) {
            throw new IllegalStateException("server has not started");
        }
        return serverSocket.getLocalPort();
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
            connections.shutdown();
            if (!connections.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.log(WARNING, "connections still busy after the grace period of " + grace + "; closing them");
                context.registry().closeAll();
                // Closing the sockets ends handlers blocked on them; the interrupt, those blocked on anything else.
                connections.shutdownNow();
                if (!connections.awaitTermination(1, TimeUnit.MINUTES)) {
                    LOG.log(WARNING, "handlers still running a minute after their connections were closed");
                }
            }
            LOG.log(INFO, () -> "stopped listening on port " + serverSocket.getLocalPort());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            context.registry().closeAll();
        } finally {
            lifecycle.unlock();
        }
    }

    /** Stops with a grace period of five seconds. */
    @Override
    public void close() {
        stop(CLOSE_GRACE);
    }
}
