package dev.wisp.server.internal;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.ERROR;
import static java.lang.System.Logger.Level.WARNING;

import dev.wisp.core.Status;
import dev.wisp.core.WireOutput;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Accepts connections on one server socket and starts a connection, each on its own virtual thread from the
 * server's executor, after the {@link ConnectionRegistry} has admitted it.
 *
 * <p>{@link #run()} runs on the listener's own thread until {@link #close()} closes the server socket.
 */
public final class Listener implements Runnable {
    private static final System.Logger LOG = System.getLogger(Listener.class.getName());

    private final ServerContext context;
    private final ServerSocket serverSocket;
    private final ExecutorService connections;
    private final AtomicLong ids = new AtomicLong();
    private volatile boolean closed;

    public Listener(ServerContext context, ServerSocket serverSocket, ExecutorService connections) {
        this.context = context;
        this.serverSocket = serverSocket;
        this.connections = connections;
    }

    @Override
    public void run() {
        while (!closed) {
            Socket socket;
            try {
                socket = serverSocket.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.log(ERROR, "accept failed; the listener stops", e);
                }
                return;
            }
            try {
                admit(socket);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                closeQuietly(socket);
                return;
            } catch (IOException | RuntimeException e) {
                LOG.log(WARNING, "could not start a connection", e);
                closeQuietly(socket);
            }
        }
    }

    private void admit(Socket socket) throws InterruptedException, IOException {
        if (!context.registry().admit()) {
            if (closed) {
                closeQuietly(socket);
            } else {
                reject(socket);
            }
            return;
        }
        try {
            socket.setTcpNoDelay(true);
            Http1ServerConnection connection = new Http1ServerConnection(context, socket, ids.incrementAndGet());
            context.registry().add(connection);
            connections.execute(connection);
        } catch (IOException | RuntimeException e) {
            closeQuietly(socket);
            throw e;
        }
    }

    /** Answers 503 on a thread of its own, so a peer that does not read cannot stall accepting. */
    private void reject(Socket socket) {
        LOG.log(DEBUG, () -> "rejected " + socket.getRemoteSocketAddress() + ": maxConnections reached");
        Thread.ofVirtual().name("wisp-reject").start(() -> {
            try (socket) {
                socket.setSoTimeout((int) context.config().headerTimeout().toMillis());
                WireOutput out = WireOutput.of(socket.getOutputStream(), context.buffers());
                ErrorResponses.send(out, Status.SERVICE_UNAVAILABLE, "too many connections");
            } catch (IOException e) {
                LOG.log(DEBUG, () -> "503 to " + socket.getRemoteSocketAddress() + " failed: " + e);
            }
        });
    }

    /** Stops accepting: closes the server socket and wakes the thread if it waits for a free slot. */
    public void close() {
        closed = true;
        context.registry().close();
        try {
            serverSocket.close();
        } catch (IOException e) {
            LOG.log(DEBUG, () -> "closing the server socket failed: " + e);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            LOG.log(DEBUG, () -> "close failed: " + e);
        }
    }
}
