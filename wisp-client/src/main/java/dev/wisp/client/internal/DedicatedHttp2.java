package dev.wisp.client.internal;

import dev.wisp.client.ConnectionClosedException;
import dev.wisp.client.Origin;
import dev.wisp.tls.TlsSessionInfo;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An explicit connection's HTTP/2 connection, when it speaks HTTP/2: its calls run at once as streams, each as soon
 * as the server's {@code SETTINGS_MAX_CONCURRENT_STREAMS} leaves a place, waiting for one at most the connect timeout.
 * Once it ends, or takes no new stream (GOAWAY), calls fail with {@link ConnectionClosedException} until the explicit
 * connection connects again; it is never replaced behind the caller's back.
 *
 * <p>Thread-safe.
 */
final class DedicatedHttp2 implements Http2ClientConnection.Owner {
    private final Origin origin;
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when a stream's place may have come free, or the connection stopped taking streams. */
    private final Condition changed = lock.newCondition();
    private volatile Http2ClientConnection connection;
    /** Why the connection takes no new stream; null while it does. */
    private volatile String retired;

    DedicatedHttp2(Origin origin) {
        this.origin = origin;
    }

    /** Starts HTTP/2 on a connection whose server chose it (or is known to speak it). */
    void start(Http1ClientConnection socket, Connector connector, CallContext call) throws IOException {
        connection = Http2ClientConnection.start(socket, connector.config(), this,
                call.deadlineWithin(connector.config().connectTimeout()));
    }

    /**
     * A stream's place for the call, once the server's limit leaves one.
     *
     * @throws ConnectionClosedException if the connection ended or takes no new stream
     */
    Http2ClientConnection reserveStream(CallContext call, Connector connector) throws IOException {
        long deadline = call.deadlineWithin(connector.config().connectTimeout());
        lock.lock();
        try {
            while (true) {
                call.checkNotCanceled();
                if (retired != null) {
                    throw new ConnectionClosedException("connection to " + origin + " is closed (" + retired
                            + "); reconnect() to use it again", false, null);
                }
                if (connection.tryReserveStream()) {
                    return connection;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw connector.timeout(call, deadline, "waiting for a stream of the HTTP/2 connection to "
                            + origin);
                }
                try {
                    changed.awaitNanos(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw call.canceledException();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    Http2ClientConnection connection() {
        return connection;
    }

    boolean isConnected() {
        return retired == null;
    }

    Optional<TlsSessionInfo> tlsSession() {
        return connection.socket().tlsSession();
    }

    /** Closes the connection at once: its streams fail. */
    void close(String reason) {
        connection.close(reason);
    }

    @Override
    public void http2CapacityChanged(Http2ClientConnection changedConnection) {
        signal();
    }

    @Override
    public void http2Retired(Http2ClientConnection retiredConnection) {
        retired = retiredConnection.retiredReason();
        signal();
    }

    @Override
    public void http2Closed(Http2ClientConnection closedConnection) {
        if (retired == null) {
            retired = "the HTTP/2 connection ended";
        }
        signal();
    }

    private void signal() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
