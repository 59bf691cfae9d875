package dev.wisp.client.internal;

import dev.wisp.client.ConnectionClosedException;
import dev.wisp.client.Http2Mode;
import dev.wisp.client.Origin;
import dev.wisp.client.Request;
import dev.wisp.tls.TlsSessionInfo;
import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketListener;
import dev.wisp.websocket.internal.WebSocketSession;
import java.io.IOException;
import java.util.Optional;

/**
 * The one connection behind an explicit {@code ClientConnection}: exchanges take turns on it in the order their
 * calls were made ({@link ConnectionTurns}), and it is never replaced behind the caller's back. After it closes,
 * for an error or because a response ended it, every call fails with {@link ConnectionClosedException} until
 * {@link #connect(CallContext)} makes a new one.
 *
 * <p>With {@link dev.wisp.client.ClientConfig#pipelining() pipelining}, the turn is the writer's: a pipelineable
 * request passes it on once written, and its call then waits in the {@link Http1Pipeline} for its response's turn.
 *
 * <p>Thread-safe.
 */
public final class DedicatedConnection implements ConnectionSource {
    /** A field, not a literal, for a release under a full heap: see {@link Exchange#UNEXPECTED_FAILURE}. */
    private static final String NOT_REUSABLE = String.valueOf("not reusable after the last response");

    private final Origin origin;
    private final Connector connector;
    private final ConnectionTurns turns = new ConnectionTurns();
    private volatile Http1ClientConnection connection;
    /** The connection when it speaks HTTP/2, in place of {@link #connection}; null over HTTP/1.1. */
    private volatile DedicatedHttp2 http2;
    private volatile String closeReason = "not connected";
    /** Whether the connection now speaks WebSocket; HTTP requests are refused until a reconnect. */
    private volatile boolean upgraded;
    /** The order of pipelined exchanges; null unless the configuration asks for pipelining. */
    private final Http1Pipeline pipeline;
    /** The user's object every connection made here carries to its events; null for none. */
    private final Object attachment;

    public DedicatedConnection(Origin origin, Connector connector, Object attachment) {
        this.origin = origin;
        this.connector = connector;
        this.attachment = attachment;
        this.pipeline = connector.config().pipelining() ? new Http1Pipeline() : null;
    }

    public Origin origin() {
        return origin;
    }

    /**
     * Connects, closing the current connection first if there is one. Waits for the exchange in progress, if
     * any, to end.
     */
    public void connect(CallContext call) throws IOException {
        takeTurn(call);
        try {
            disconnect("reconnect");
            boolean offerHttp2 = connector.config().http2() == Http2Mode.PRIOR_KNOWLEDGE;
            Http1ClientConnection made = connector.connect(origin, call, attachment, offerHttp2);
            if (made.speaksHttp2()) {
                DedicatedHttp2 started = new DedicatedHttp2(origin);
                started.start(made, connector, call);
                http2 = started;
                connection = null;
            } else {
                connection = made;
                http2 = null;
            }
            upgraded = false;
        } finally {
            turns.release();
        }
    }

    /** Closes the connection at once, from any thread; an exchange in progress fails. */
    public void disconnect(String reason) {
        DedicatedHttp2 overHttp2 = http2;
        if (overHttp2 != null) {
            overHttp2.close(reason);
            closeReason = reason;
        }
        Http1ClientConnection current = connection;
        if (current != null) {
            current.close(reason);
            closeReason = reason;
        }
    }

    /** The TLS session of the current connection; empty for plaintext or before the first connect. */
    public Optional<TlsSessionInfo> tlsSession() {
        DedicatedHttp2 overHttp2 = http2;
        if (overHttp2 != null) {
            return overHttp2.tlsSession();
        }
        Http1ClientConnection current = connection;
        return current == null ? Optional.empty() : current.tlsSession();
    }

    public boolean isConnected() {
        DedicatedHttp2 overHttp2 = http2;
        if (overHttp2 != null) {
            return overHttp2.isConnected();
        }
        Http1ClientConnection current = connection;
        return current != null && !current.isClosed();
    }

    /** Whether the current connection speaks HTTP/2: its calls run at once, as streams. */
    public boolean isHttp2() {
        return http2 != null;
    }

    @Override
    public boolean reaches(Origin requested) {
        return requested.equals(origin);
    }

    @Override
    public Http1ClientConnection acquire(Origin requested, CallContext call) throws IOException {
        return acquire(requested, call, pipeline != null && !Http1Pipeline.isPipelineable(call.request()));
    }

    /**
     * Starts the call's exchange on the connection once its turn comes, watched in case its caller drops it
     * unfinished ({@link ExchangeLeaks}), which would hold the turn of the calls behind for good, or, pipelined, the
     * turn to read of the responses behind its own.
     */
    @Override
    public Exchange startExchange(CallContext call) throws IOException {
        DedicatedHttp2 overHttp2 = http2;
        if (overHttp2 != null) {
            requireOrigin(call.request().origin());
            call.abandonTicket(); // streams take no turns: a place in line would hold up a reconnect
            return ExchangeLeaks.instance().watch(Http2Exchange.start(overHttp2.reserveStream(call, connector), call));
        }
        Http1Exchange exchange = Http1Exchange.start(acquire(call.request().origin(), call), this, call);
        return ExchangeLeaks.instance().watch(exchange);
    }

    private void requireOrigin(Origin requested) {
        if (!requested.equals(origin)) {
            throw new IllegalArgumentException("request is for " + requested + ", this connection goes to " + origin);
        }
    }

    /**
     * Takes the write turn; a barrier (a request that is not pipelined, an upgrade) also waits until every
     * earlier response has been read.
     */
    private Http1ClientConnection acquire(Origin requested, CallContext call, boolean barrier) throws IOException {
        requireOrigin(requested);
        takeTurn(call);
        if (barrier) {
            try {
                pipeline.awaitEmpty(call, connector, "waiting for the responses pipelined before " + call.request());
            } catch (IOException | RuntimeException e) {
                turns.release();
                throw e;
            }
        }
        if (upgraded) {
            turns.release();
            throw new IllegalStateException("the connection to " + origin + " was upgraded to WebSocket; for HTTP,"
                    + " close the WebSocket and reconnect(), or open another connection");
        }
        Http1ClientConnection current = connection;
        // The stale check looks at unread input: while pipelined responses are due, that input is theirs.
        boolean idle = pipeline == null || pipeline.isEmpty();
        if (current == null || current.isClosed() || idle && current.isStale()) {
            String reason = current == null ? closeReason
                    : current.isClosed() ? current.closeReason() : "closed by the server while idle";
            if (current != null && !current.isClosed()) {
                current.close(reason);
            }
            turns.release();
            throw new ConnectionClosedException("connection to " + origin + " is closed (" + reason
                    + "); reconnect() to use it again", false, null);
        }
        return current;
    }

    /**
     * Upgrades the connection to WebSocket once its turn comes; from then on HTTP requests on it are refused.
     *
     * @param listener where events go, or null for a blocking WebSocket
     * @param state the jar the answer's cookies go in
     * @throws dev.wisp.client.ConnectionClosedException if the connection is closed (or was not persistent)
     */
    public WebSocketSession upgrade(Request request, WebSocketConfig config, WebSocketListener listener,
            CallContext call, FollowUpState state) throws IOException {
        DedicatedHttp2 overHttp2 = http2;
        if (overHttp2 != null) {
            return openOverHttp2(overHttp2, request, config, listener, call, state);
        }
        Http1ClientConnection current = acquire(request.origin(), call, pipeline != null);
        try {
            WebSocketSession session = WebSocketUpgrader.upgrade(current, request, config, listener, call, state);
            upgraded = true;
            return session;
        } finally {
            turns.release();
        }
    }

    /**
     * Opens the WebSocket as a stream of the HTTP/2 connection (RFC 8441), which goes on carrying requests beside
     * it.
     */
    private WebSocketSession openOverHttp2(DedicatedHttp2 overHttp2, Request request, WebSocketConfig config,
            WebSocketListener listener, CallContext call, FollowUpState state) throws IOException {
        requireOrigin(request.origin());
        Http2ClientConnection reserved = overHttp2.reserveStream(call, connector);
        if (!reserved.acceptsExtendedConnect()) {
            reserved.release(null);
            throw new IllegalStateException("the server of the HTTP/2 connection to " + origin + " takes no"
                    + " WebSockets (it did not announce SETTINGS_ENABLE_CONNECT_PROTOCOL, RFC 8441); connect over"
                    + " HTTP/1.1 to upgrade");
        }
        WebSocketSession session = Http2WebSocketOpener.open(reserved, request, config, listener, call, state);
        if (session == null) {
            throw new ConnectionClosedException("the server of the HTTP/2 connection to " + origin + " did not"
                    + " process the WebSocket's CONNECT", false, null);
        }
        return session;
    }

    @Override
    public void release(Http1ClientConnection released) {
        try {
            if (!released.isReusable()) {
                released.close(released.isClosed() ? released.closeReason() : NOT_REUSABLE);
            }
        } finally {
            turns.release(); // even should the close fail (a full heap): the calls behind would wait for good
        }
    }

    @Override
    public void release(Http1Exchange exchange) {
        if (pipeline == null) {
            release(exchange.connection());
        } else {
            release(exchange.connection(), exchange.pipelinePlace());
        }
    }

    /**
     * Pipelined, a dropped exchange's connection closes (its response, unread, is in the way of those behind it, which
     * fail) and its place is given back; the buffers stay, as the calls behind may still touch them.
     */
    @Override
    public Runnable endWhenDropped(Http1Exchange exchange, String reason) {
        if (pipeline == null) {
            return ConnectionSource.super.endWhenDropped(exchange, reason);
        }
        Http1ClientConnection connection = exchange.connection();
        Http1Pipeline.Place place = exchange.pipelinePlace();
        return () -> {
            try {
                connection.close(reason);
                connection.endExchange();
            } finally {
                release(connection, place);
            }
        };
    }

    private void release(Http1ClientConnection released, Http1Pipeline.Place place) {
        boolean heldWriteTurn = pipeline.finished(place);
        try {
            // A request pipelined behind this one may have asked to close after its response: the last one closes.
            if (!released.isReusable() && (released.isClosed() || pipeline.isEmpty())) {
                released.close(released.isClosed() ? released.closeReason() : NOT_REUSABLE);
                pipeline.connectionClosed();
            }
        } finally {
            if (heldWriteTurn) {
                turns.release();
            }
        }
    }

    @Override
    public void started(Http1Exchange exchange) {
        if (pipeline != null) {
            exchange.placedAt(pipeline.started());
        }
    }

    @Override
    public void requestWritten(Http1Exchange exchange) {
        if (pipeline != null && pipeline.passesWriteTurn(exchange)) {
            turns.release();
        }
    }

    @Override
    public void awaitTurnToRead(Http1Exchange exchange) throws IOException {
        if (pipeline != null) {
            pipeline.awaitTurnToRead(exchange, connector);
        }
    }

    @Override
    public void reserveTurn(CallContext call) {
        if (call.ticket() == null && http2 == null) {
            call.holdTicket(turns.take());
        }
    }

    /**
     * Waits for the call's turn on the connection and takes it: the turn of the ticket it reserved when it was
     * made, or, for a call that reserved none or whose ticket was served (a follow-up), a new one at the end of
     * the line.
     */
    private void takeTurn(CallContext call) throws IOException {
        call.checkNotCanceled();
        ConnectionTurns.Ticket ticket = call.ticket();
        if (ticket == null || ticket.isDone()) {
            ticket = turns.take();
            call.holdTicket(ticket);
        }
        long deadline = call.deadlineNanos();
        if (!ticket.await(deadline)) {
            if (call.isCanceled() || Thread.currentThread().isInterrupted()) {
                throw call.canceledException();
            }
            throw connector.timeout(call, deadline, "waiting for the connection to " + origin);
        }
        if (call.isCanceled()) {
            // Canceled as its turn came: pass the turn on rather than start an exchange the cancel would abort.
            turns.release();
            throw call.canceledException();
        }
    }
}
