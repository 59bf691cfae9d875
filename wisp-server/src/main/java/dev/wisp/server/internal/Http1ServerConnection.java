package dev.wisp.server.internal;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.WARNING;

import dev.wisp.core.HttpProtocolException;
import dev.wisp.core.RequestHead;
import dev.wisp.core.Status;
import dev.wisp.core.Version;
import dev.wisp.core.WireInput;
import dev.wisp.core.WireOutput;
import dev.wisp.server.ConnectionInfo;
import dev.wisp.server.ConnectionListener;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One HTTP/1.1 connection: reads requests one after another, runs an {@link Http1Exchange} for each, and answers
 * them in order (pipelined requests wait in the read buffer). Between requests it holds no buffer: the
 * {@link WireInput} waits for the next byte without one, and the {@link WireOutput} gave its buffer back at flush.
 *
 * <p>Everything in this class runs on the connection's virtual thread, except {@link #evict()}, {@link #drain()}
 * and {@link #abort(String)}, which other threads call to close the socket; closing it wakes the blocked read.
 */
public final class Http1ServerConnection implements Runnable {
    private static final System.Logger LOG = System.getLogger(Http1ServerConnection.class.getName());
    private static final int BUSY = 0;
    private static final int IDLE = 1;
    private static final int CLOSING = 2;

    private final ServerContext context;
    private final Socket socket;
    private final long id;
    private final AtomicInteger state = new AtomicInteger(BUSY);
    private volatile long idleSinceNanos;
    private volatile boolean draining;
    private volatile String closeReason;
    private ConnectionInfo info;
    private SocketInput socketInput;
    private WireInput input;
    private WireOutput output;

    Http1ServerConnection(ServerContext context, Socket socket, long id) {
        this.context = context;
        this.socket = socket;
        this.id = id;
    }

    @Override
    public void run() {
        ConnectionListener listener = context.config().connectionListener();
        String reason = "closed";
        try {
            info = new ConnectionInfo(id, (InetSocketAddress) socket.getRemoteSocketAddress(),
                    (InetSocketAddress) socket.getLocalSocketAddress(), Instant.now(), Version.HTTP_1_1);
            notify(() -> listener.opened(info));
            socketInput = new SocketInput(socket);
            input = WireInput.of(socketInput, context.buffers());
            output = WireOutput.of(socket.getOutputStream(), context.buffers());
            reason = serve();
        } catch (IOException e) {
            String forced = closeReason;
            reason = forced != null ? forced : "I/O error: " + e.getMessage();
            LOG.log(DEBUG, () -> "[c" + id + "] " + e);
        } finally {
            state.set(CLOSING);
            closeQuietly();
            if (input != null) {
                input.release();
                output.release();
            }
            context.registry().remove(this);
            String finalReason = reason;
            LOG.log(DEBUG, () -> "[c" + id + "] closed: " + finalReason);
            if (info != null) {
                notify(() -> listener.closed(info, finalReason));
            }
        }
    }

    /** Serves requests until the connection must close; returns why. */
    private String serve() throws IOException {
        Http1Exchange exchange = new Http1Exchange(context, this);
        while (true) {
            if (input.buffered() == 0) {
                String stop = awaitRequest();
                if (stop != null) {
                    return stop;
                }
            }
            socketInput.deadlineIn(timeoutMillis(context.config().headerTimeout()));
            RequestHead head;
            try {
                head = context.requestReader().readHead(input);
            } catch (HttpProtocolException e) {
                ErrorResponses.send(output, e.status(), e.getMessage());
                return "bad request: " + e.getMessage();
            } catch (SocketTimeoutException e) {
                ErrorResponses.send(output, Status.REQUEST_TIMEOUT, "request head not received in time");
                return "header timeout";
            } catch (EOFException e) {
                return "peer closed mid-request";
            }
            socketInput.readTimeout(timeoutMillis(context.config().readTimeout()));
            if (!exchange.run(head)) {
                String forced = closeReason;
                return forced != null ? forced : "exchange asked to close";
            }
            if (draining) {
                return "server stopping";
            }
        }
    }

    /**
     * Waits, idle and without buffers, for the first byte of the next request.
     *
     * @return null when a request is arriving, else why the connection must close
     */
    private String awaitRequest() throws IOException {
        idleSinceNanos = System.nanoTime();
        state.set(IDLE);
        context.registry().becameIdle();
        if (draining) {
            return "server stopping";
        }
        socketInput.readTimeout(timeoutMillis(context.config().idleTimeout()));
        try {
            if (!input.awaitData()) {
                return "peer closed";
            }
        } catch (SocketTimeoutException e) {
            if (state.compareAndSet(IDLE, BUSY)) {
                ErrorResponses.send(output, Status.REQUEST_TIMEOUT, "idle connection closed");
            }
            return "idle timeout";
        } catch (IOException e) {
            String forced = closeReason;
            if (forced != null) {
                return forced;
            }
            throw e;
        }
        if (!state.compareAndSet(IDLE, BUSY)) {
            return closeReason;
        }
        return null;
    }

    private static int timeoutMillis(java.time.Duration timeout) {
        return (int) timeout.toMillis();
    }

    ConnectionInfo info() {
        return info;
    }

    WireInput input() {
        return input;
    }

    WireOutput output() {
        return output;
    }

    SocketInput socketInput() {
        return socketInput;
    }

    boolean isDraining() {
        return draining;
    }

    long id() {
        return id;
    }

    boolean isIdle() {
        return state.get() == IDLE;
    }

    long idleSinceNanos() {
        return idleSinceNanos;
    }

    /** Closes the connection if it is idle; called by the registry to make room. */
    boolean evict() {
        return closeIfIdle("evicted to make room (least recently used)");
    }

    /** Closes the connection if idle, else lets it finish its exchange and close. */
    void drain() {
        draining = true;
        closeIfIdle("server stopping");
    }

    /** Closes the socket whatever the connection is doing. */
    void abort(String reason) {
        closeReason = reason;
        state.set(CLOSING);
        closeQuietly();
    }

    private boolean closeIfIdle(String reason) {
        if (state.compareAndSet(IDLE, CLOSING)) {
            closeReason = reason;
            closeQuietly();
            return true;
        }
        return false;
    }

    private void closeQuietly() {
        try {
            socket.close();
        } catch (IOException e) {
            LOG.log(DEBUG, () -> "[c" + id + "] close failed: " + e);
        }
    }

    private void notify(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.log(WARNING, "[c" + id + "] connection listener failed", e);
        }
    }
}
