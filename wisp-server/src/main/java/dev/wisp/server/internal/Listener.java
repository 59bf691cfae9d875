package dev.wisp.server.internal;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.ERROR;
import static java.lang.System.Logger.Level.WARNING;

import dev.wisp.transport.LoopSocket;
import dev.wisp.transport.PlatformStarts;
import dev.wisp.transport.StreamSocket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Accepts connections on one server socket and starts each on its own virtual thread, after the
 * {@link ConnectionRegistry} has admitted it. What the connection speaks is up to its {@link ConnectionFactory};
 * the listener knows no protocol.
 *
 * <p>{@link #run()} runs on the listener's own thread until {@link #close()} closes the server socket. A failed
 * accept does not end it: {@link AcceptBackoff} pauses and it tries again.
 */
public final class Listener implements Runnable {
    private static final System.Logger LOG = System.getLogger(Listener.class.getName());
    /** The pause after memory ran out while a failure was handled. */
    private static final long MEMORY_RETRY_NANOS = 10_000_000;
    /** How often the listener looks again whether the server still sheds load, before it accepts. */
    private static final long SHED_PAUSE_NANOS = 50_000_000;

    private final ServerContext context;
    private final ServerSocketChannel serverChannel;
    private final ConnectionFactory connections;
    private final AtomicLong ids = new AtomicLong();
    private final AcceptBackoff backoff = new AcceptBackoff();
    private final AcceptBackoff threadBackoff = new AcceptBackoff("starting a connection's thread",
            "starting connections' threads");
    /** For a heap too full to accept a connection or set it up. */
    private final AcceptBackoff memoryBackoff = new AcceptBackoff("admitting a connection", "admitting connections");
    /** Tells of the connections refused for maxConnectionsPerClient, once a minute at most. */
    private final RefusedClients refusedClients;
    /** Why the last connection thread that could not start failed, for this thread to log and pause on. */
    private final AtomicReference<Throwable> startFailure = new AtomicReference<>();
    private volatile boolean closed;

    Listener(ServerContext context, ServerSocketChannel serverChannel, ConnectionFactory connections) {
        this.context = context;
        this.serverChannel = serverChannel;
        this.connections = connections;
        this.refusedClients = new RefusedClients(context.config().maxConnectionsPerClient());
    }

    @Override
    public void run() {
        while (!closed) {
            try {
                if (!acceptOne()) {
                    return;
                }
            } catch (OutOfMemoryError | LinkageError e) {
                // Memory ran out again while a failure was handled (its log line, its pause): nothing here
                // allocates, and the next turn tries again. The listener must outlive a full heap.
                LockSupport.parkNanos(MEMORY_RETRY_NANOS);
            }
        }
    }

    /**
     * Accepts one connection and admits it, or handles why it could not.
     *
     * @return false if the listener is to stop: closed, interrupted, or its server socket closed
     */
    private boolean acceptOne() {
        if (context.shedsLoad()) {
            // The heap is nearly full: a new connection would take memory the server has not got. It waits in the
            // backlog, as for a full server, and is accepted once collections find room again.
            LockSupport.parkNanos(SHED_PAUSE_NANOS);
            return !closed;
        }
        SocketChannel socket;
        try {
            socket = serverChannel.accept();
        } catch (IOException e) {
            if (closed || !serverChannel.isOpen()) {
                if (!closed) {
                    LOG.log(ERROR, "the server socket was closed; the listener stops", e);
                }
                return false;
            }
            // A full descriptor table and its kin pass; the listener must outlive them.
            backoff.failed(e);
            return backoff.pause();
        } catch (OutOfMemoryError | LinkageError e) {
            // The heap is full: whatever thread allocates next fails, this one too (a class or call site that
            // could not load for want of memory fails as a linkage error). It passes as the handlers' memory
            // is collected; the listener pauses until then, as it does for descriptors.
            return pauseForMemory(e);
        }
        backoff.succeeded();
        try {
            admit(socket);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(socket);
            return false;
        } catch (ThreadNotStarted e) {
            // Memory is short: the connection whose thread could not start is closed, and the next waits a
            // little in the backlog.
            threadBackoff.failed(e.getCause());
            if (!threadBackoff.pause()) {
                return false;
            }
        } catch (OutOfMemoryError | LinkageError e) {
            // admit() closed the socket and gave its place back
            return pauseForMemory(e);
        } catch (IOException | RuntimeException e) {
            LOG.log(WARNING, "could not start a connection", e);
            closeQuietly(socket);
        }
        memoryBackoff.succeeded();
        return true;
    }

    private boolean pauseForMemory(Error e) {
        memoryBackoff.failed(e);
        return memoryBackoff.pause();
    }

    private void admit(SocketChannel socket) throws InterruptedException, IOException, ThreadNotStarted {
        ClientConnections.Client client = null;
        ClientConnections clients = context.registry().clients();
        if (clients != null) {
            InetAddress address;
            try {
                // A Unix domain socket's peer has no address: it is on this host, as a loopback one is.
                address = socket.getRemoteAddress() instanceof InetSocketAddress inet ? inet.getAddress()
                        : UnixSocketFile.LOCAL_PEER.getAddress();
                client = clients.take(address);
            } catch (IOException | RuntimeException | Error e) {
                closeQuietly(socket); // reset before it was accepted, or no memory to count it: nothing to serve
                throw e;
            }
            if (client == null) {
                refusedClients.log(address);
                context.counters().refused();
                connections.refuse(socket);
                return;
            }
        }
        if (!context.registry().admit()) {
            context.registry().releaseClient(client);
            if (closed) {
                closeQuietly(socket);
            } else {
                context.counters().refused();
                connections.refuse(socket);
            }
            return;
        }
        long id = ids.incrementAndGet();
        ServerConnection connection;
        StreamSocket streamSocket;
        try {
            streamSocket = context.socket(socket);
            connection = connections.open(streamSocket, id);
        } catch (IOException | RuntimeException | Error e) {
            context.registry().releaseClient(client);
            context.registry().release();
            closeQuietly(socket);
            throw e;
        }
        connection.client = client;
        context.registry().add(connection);
        context.counters().accepted();
        try {
            if (socket.supportedOptions().contains(StandardSocketOptions.TCP_NODELAY)) { // not on a Unix socket
                socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
            }
        } catch (IOException | RuntimeException | Error e) {
            context.registry().remove(connection);
            closeQuietly(socket);
            throw e;
        }
        Thread thread;
        try {
            // No executor: the registry counts and awaits connection threads, and an executor's task wrapper
            // and thread set would cost every idle connection memory.
            if (streamSocket instanceof LoopSocket onLoop) {
                onLoop.newThread(connection).start(); // its loop runs it among its own, at its next turn
                threadBackoff.succeeded();
                return;
            }
            thread = context.connectionThreads().newThread(connection);
        } catch (RuntimeException | OutOfMemoryError e) {
            context.registry().remove(connection);
            closeQuietly(socket);
            throw new ThreadNotStarted(e);
        }
        // Started by a virtual thread, a few each round of the busy connections, not as a spare (see
        // ServerContext.startThread): a burst of new connections, each with a handshake to make, then takes turns
        // with those already open instead of holding up their requests (measured: their p99 went from 7 to
        // 53-77 ms with spares while 64 TLS connections arrived every 2 s).
        try {
            PlatformStarts.start(thread, e -> {
                context.registry().remove(connection);
                closeQuietly(socket);
                startFailure.set(e);
            });
        } catch (RuntimeException | Error e) {
            // Not handed over (no memory to queue it): the thread never starts, so nothing else closes the socket.
            context.registry().remove(connection);
            closeQuietly(socket);
            throw new ThreadNotStarted(e);
        }
        Throwable failed = startFailure.getAndSet(null);
        if (failed != null) {
            throw new ThreadNotStarted(failed);
        }
        threadBackoff.succeeded();
    }

    /** A new connection's thread could not start; the connection is closed. */
    private static final class ThreadNotStarted extends Exception {
        ThreadNotStarted(Throwable cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }

    /** The port this listener accepts on, for thread names. */
    int port() {
        try {
            return ((InetSocketAddress) serverChannel.getLocalAddress()).getPort();
        } catch (IOException e) {
            return -1;
        }
    }

    /** Stops accepting: closes the server socket and wakes the thread if it waits for a free slot. */
    public void close() {
        closed = true;
        backoff.stop();
        threadBackoff.stop();
        memoryBackoff.stop();
        context.registry().close();
        try {
            serverChannel.close();
        } catch (IOException e) {
            LOG.log(DEBUG, () -> "closing the server socket failed: " + e);
        }
    }

    /** Closes the socket; a close that fails for want of memory is tried once more. */
    private static void closeQuietly(SocketChannel socket) {
        try {
            socket.close();
        } catch (IOException e) {
            if (LOG.isLoggable(DEBUG)) {
                LOG.log(DEBUG, "close failed: " + e);
            }
        } catch (RuntimeException | Error e) {
            try {
                socket.close();
            } catch (IOException | RuntimeException | Error again) {
                // the descriptor stays open until the channel is collected; nothing more can be done here
            }
        }
    }
}
