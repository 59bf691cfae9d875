package dev.wisp.server.internal;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.ERROR;
import static java.lang.System.Logger.Level.WARNING;

import dev.wisp.core.Status;
import dev.wisp.core.WireOutput;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Accepts connections on one server socket and starts each on its own virtual thread, after the
 * {@link ConnectionRegistry} has admitted it.
 *
 * <p>{@link #run()} runs on the listener's own thread until {@link #close()} closes the server socket. A failed
 * accept does not end it: {@link AcceptBackoff} pauses and it tries again.
 */
public final class Listener implements Runnable {
    private static final System.Logger LOG = System.getLogger(Listener.class.getName());

    private final ServerContext context;
    private final ServerSocketChannel serverChannel;
    private final AtomicLong ids = new AtomicLong();
    private final AcceptBackoff backoff = new AcceptBackoff();
    private volatile boolean closed;

    public Listener(ServerContext context, ServerSocketChannel serverChannel) {
        this.context = context;
        this.serverChannel = serverChannel;
    }

    @Override
    public void run() {
        while (!closed) {
            SocketChannel socket;
            try {
                socket = serverChannel.accept();
            } catch (IOException e) {
                if (closed || !serverChannel.isOpen()) {
                    if (!closed) {
                        LOG.log(ERROR, "the server socket was closed; the listener stops", e);
                    }
                    return;
                }
                // A full descriptor table and its kin pass; the listener must outlive them.
                backoff.failed(e);
                if (!backoff.pause()) {
                    return;
                }
                continue;
            }
            backoff.succeeded();
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

    private void admit(SocketChannel socket) throws InterruptedException, IOException {
        if (!context.registry().admit()) {
            if (closed) {
                closeQuietly(socket);
            } else {
                reject(socket);
            }
            return;
        }
        long id = ids.incrementAndGet();
        Http1ServerConnection connection;
        try {
            connection = new Http1ServerConnection(context, socket, id);
        } catch (IOException e) {
            context.registry().release();
            closeQuietly(socket);
            throw e;
        }
        context.registry().add(connection);
        try {
            socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
            // No executor: the registry counts and awaits connection threads, and an executor's task wrapper
            // and thread set would cost every idle connection memory.
            context.connectionThreads().newThread(connection).start();
        } catch (IOException | RuntimeException e) {
            context.registry().remove(connection);
            closeQuietly(socket);
            throw e;
        }
    }

    /** Answers 503 on a thread of its own, so a peer that does not read cannot stall accepting. */
    private void reject(SocketChannel socket) {
        LOG.log(DEBUG, "rejected a connection: maxConnections reached");
        Thread.ofVirtual().name("wisp-reject").start(() -> {
            try (socket) {
                // A 503 fits in the socket's send buffer, so its write does not wait for the peer.
                ChannelOutput channelOutput = new ChannelOutput(socket, context.config().writeTimeout().toNanos());
                WireOutput out = WireOutput.of(channelOutput, context.buffers());
                ErrorResponses.send(out, Status.SERVICE_UNAVAILABLE, "too many connections");
            } catch (IOException e) {
                LOG.log(DEBUG, () -> "503 failed: " + e);
            }
        });
    }

    /** Stops accepting: closes the server socket and wakes the thread if it waits for a free slot. */
    public void close() {
        closed = true;
        backoff.stop();
        context.registry().close();
        try {
            serverChannel.close();
        } catch (IOException e) {
            LOG.log(DEBUG, () -> "closing the server socket failed: " + e);
        }
    }

    private static void closeQuietly(SocketChannel socket) {
        try {
            socket.close();
        } catch (IOException e) {
            LOG.log(DEBUG, () -> "close failed: " + e);
        }
    }
}
