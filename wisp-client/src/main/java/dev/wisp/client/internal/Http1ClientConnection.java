package dev.wisp.client.internal;

import static java.lang.System.Logger.Level.DEBUG;

import dev.wisp.client.ConnectionInfo;
import dev.wisp.client.EventListener;
import dev.wisp.client.Origin;
import dev.wisp.client.TimeoutExceededException.Timeout;
import dev.wisp.core.BufferPool;
import dev.wisp.core.DirectBufferPool;
import dev.wisp.core.WireInput;
import dev.wisp.core.WireOutput;
import dev.wisp.tls.TlsContext;
import dev.wisp.tls.TlsSessionInfo;
import dev.wisp.transport.Transport;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One HTTP/1.1 connection of the client: its socket channel and transport, the wire buffers, how it was set up
 * (for timing), whether it may carry another exchange, and the deadlines the {@link ClientSweeper} enforces.
 *
 * <p>Threads: one exchange at a time uses it, on the thread of its call (the caller's, or the one reading the
 * response body); that thread alone touches {@link #input()}, {@link #output()} and {@link #releaseBuffers()}.
 * When requests are pipelined, one exchange writes its request while an earlier one reads its response: the
 * writer alone touches {@link #output()}, the reader alone {@link #input()}, and the transport lets the two
 * overlap.
 * {@link #close(String)}, {@link #sweep(long)} and the getters may be called from any thread: closing ends a
 * blocked read or write at once. An idle pooled connection is touched only by the pool, under its lock or after
 * taking it out.
 */
public final class Http1ClientConnection implements ClientSweeper.Sweepable {
    private static final System.Logger LOG = System.getLogger(Http1ClientConnection.class.getName());
    private static final AtomicLong IDS = new AtomicLong();

    private final long id;
    private final Origin origin;
    private final ConnectionInfo info;
    private final Transport transport;
    /** The context the TLS session came from, told when the connection closes; null for plaintext. */
    private final TlsContext tls;
    private final WireInput input;
    private final WireOutput output;
    private final BufferPool buffers;
    private final EventListener events;
    private volatile ConnectionSetup setup;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile String closeReason;
    private volatile Timeout expired;
    /** The read deadline belongs to the TLS handshake (HANDSHAKE), not to an exchange (READ). */
    private volatile boolean connecting = true;
    private volatile long callDeadlineNanos;
    private int exchanges;
    /** Exchanges begun and not yet ended: more than one only on a pipelined connection. */
    private final AtomicInteger inFlight = new AtomicInteger();
    private boolean reusable = true;
    private long idleSinceNanos;
    /** The next connection kept by {@link UnreleasedConnections}, which links them through this field. */
    Http1ClientConnection nextUnreleased;
    /** Whether the server agreed to HTTP/2 (ALPN), or is known to speak it: an HTTP/2 connection takes it over. */
    private volatile boolean http2;

    Http1ClientConnection(ConnectionInfo info, Transport transport, TlsContext tls, BufferPool buffers,
            DirectBufferPool readAheadBuffers, EventListener events) {
        this.info = info;
        this.id = info.id();
        this.origin = info.origin();
        this.transport = transport;
        this.tls = tls;
        this.input = WireInput.of(transport.input(), buffers, readAheadBuffers);
        this.output = WireOutput.of(transport.output(), buffers);
        this.buffers = buffers;
        this.events = events;
    }

    /** A new connection id, unique in this process. */
    static long nextId() {
        return IDS.incrementAndGet();
    }

    public long id() {
        return id;
    }

    /** The id, origin and user attachment that the connection's events get. */
    public ConnectionInfo info() {
        return info;
    }

    public Origin origin() {
        return origin;
    }

    public Transport transport() {
        return transport;
    }

    public WireInput input() {
        return input;
    }

    public WireOutput output() {
        return output;
    }

    /** Where the wire buffers come from; a WebSocket that takes the connection over takes its buffers there. */
    public BufferPool buffers() {
        return buffers;
    }

    /** How DNS, connect and TLS went when this connection was made. */
    public ConnectionSetup setup() {
        return setup;
    }

    /** The TLS session's facts once the handshake is done; empty for plaintext. */
    public Optional<TlsSessionInfo> tlsSession() {
        ConnectionSetup made = setup;
        return made == null ? Optional.empty() : Optional.ofNullable(made.tls());
    }

    /** Marks the connection as one that speaks HTTP/2 from now on, before anything was sent. */
    void speakHttp2() {
        http2 = true;
    }

    /** Whether the connection speaks HTTP/2 (an {@link Http2ClientConnection} runs over it), not HTTP/1.1. */
    public boolean speaksHttp2() {
        return http2;
    }

    /** Called when the handshake is done: read deadlines from now on are an exchange's. */
    void connected(ConnectionSetup connectionSetup) {
        this.setup = connectionSetup;
        connecting = false;
        transport.readDeadline(0);
    }

    /**
     * Starts an exchange: returns whether the connection carried one before (it is reused), and arms the call
     * deadline (0 for none) and the per-read timeout.
     */
    public boolean beginExchange(long callDeadlineNanos, long readTimeoutNanos) {
        inFlight.incrementAndGet();
        armReading(callDeadlineNanos, readTimeoutNanos);
        ClientSweeper.instance().watch(this);
        return exchanges++ > 0;
    }

    /**
     * Arms the deadlines of the exchange about to read: on a pipelined connection, the one whose response comes
     * next. Only the caller of {@link #beginExchange(long, long)} or the exchange whose turn to read it is.
     */
    void armReading(long callDeadlineNanos, long readTimeoutNanos) {
        this.callDeadlineNanos = callDeadlineNanos;
        transport.perReadTimeout(readTimeoutNanos);
    }

    /** Ends an exchange: once none is left, no deadline is watched until the next one. */
    public void endExchange() {
        if (inFlight.decrementAndGet() > 0) {
            return; // pipelined exchanges still wait for their responses
        }
        ClientSweeper.instance().unwatch(this);
        callDeadlineNanos = 0;
        transport.perReadTimeout(0);
    }

    /** How many exchanges have begun and not ended: more than one only when requests are pipelined. */
    int exchangesInFlight() {
        return inFlight.get();
    }

    /** Marks the connection as unable to carry another exchange (Connection: close, read until close, errors). */
    public void doNotReuse() {
        reusable = false;
    }

    /** Whether the last exchange left the connection fit for another one. */
    public boolean isReusable() {
        return reusable && !closed.get() && !transport.hasInputEnded();
    }

    public boolean isClosed() {
        return closed.get();
    }

    /** Why the connection closed, or null while it is open. */
    public String closeReason() {
        return closeReason;
    }

    /** The timeout the sweeper enforced on this connection, or null. */
    public Timeout expired() {
        return expired;
    }

    void idleSince(long nanos) {
        idleSinceNanos = nanos;
    }

    long idleSinceNanos() {
        return idleSinceNanos;
    }

    /**
     * Whether an idle connection can no longer be used: the server closed it, or sent bytes nobody asked for.
     * Checked before reuse without sending anything: the stale keep-alive connection the server already dropped
     * is the common case. A server that closes just after the check still wins the race; the caller retries
     * idempotent requests for that.
     *
     * <p>The transport looks without blocking ({@link Transport#pollInput()}). In plaintext any byte waiting
     * makes the connection stale, as does the end of the stream. Under TLS it unwraps the records that have
     * arrived: TLS 1.3 session tickets and key updates are consumed and leave the connection usable, a
     * close_notify (or the end of the stream) makes it stale, and application bytes nobody asked for do too.
     */
    boolean isStale() {
        if (closed.get() || transport.hasInputEnded() || input.buffered() > 0) {
            return true;
        }
        if (transport.knowsNothingArrived()) {
            return false; // its loop would have seen the server's close: no read that would find nothing
        }
        try {
            return switch (transport.pollInput()) {
                case EMPTY -> false;
                case DATA, ENDED -> true;
            };
        } catch (IOException e) {
            LOG.log(DEBUG, () -> "[k" + id + "] stale check: " + e);
            return true;
        }
    }

    @Override
    public void sweep(long nowNanos) {
        long read = transport.readDeadlineNanos();
        long write = transport.writeDeadlineNanos();
        long call = callDeadlineNanos;
        if (call != 0 && nowNanos - call > 0) {
            expire(Timeout.CALL);
        } else if (write != 0 && nowNanos - write > 0) {
            expire(Timeout.WRITE);
        } else if (read != 0 && nowNanos - read > 0) {
            expire(connecting ? Timeout.HANDSHAKE : Timeout.READ);
        }
    }

    private void expire(Timeout timeout) {
        if (expired == null) {
            expired = timeout;
        }
        close(timeout.optionName() + " exceeded");
    }

    /**
     * Closes the socket at once, from any thread; a blocked read or write on it fails. Idempotent: the first
     * reason is the one reported. The socket closes even if a step before fails (under a full heap): no second
     * call would close it.
     */
    public void close(String reason) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closeReason = reason;
        reusable = false;
        try {
            ClientSweeper.instance().unwatch(this);
            if (tls != null) {
                transport.tlsSession().ifPresent(tls::connectionClosed);
            }
        } finally {
            try {
                transport.close();
            } catch (IOException e) {
                LOG.log(DEBUG, () -> "[k" + id + "] close: " + e);
            }
        }
        LOG.log(DEBUG, () -> "[k" + id + "] closed: " + reason);
        Events.fire(events, listener -> listener.disconnected(info, reason));
    }

    /** Gives the wire buffers back; only the thread that used them last, once the connection is closed or idle. */
    public void releaseBuffers() {
        if (closed.get()) {
            input.release();
            output.release();
            transport.releaseBuffers();
        } else {
            input.releaseIfEmpty();
        }
    }

    @Override
    public String toString() {
        return "k" + id + " " + origin;
    }
}
