package dev.wisp.server.internal;

import dev.wisp.core.SharedBudget;
import dev.wisp.core.WireInput;
import dev.wisp.server.BlockingWebSocketHandler;
import dev.wisp.server.ConnectionProtocol;
import dev.wisp.server.ServerRequest;
import dev.wisp.transport.Transport;
import dev.wisp.websocket.CloseCode;
import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketListener;
import dev.wisp.websocket.internal.Agreement;
import dev.wisp.websocket.internal.Role;
import dev.wisp.websocket.internal.TransportChannel;
import dev.wisp.websocket.internal.WebSocketSession;
import java.io.IOException;

/**
 * A server connection after an HTTP/1.1 exchange switched it to WebSocket (RFC 6455): it takes the HTTP/1.1
 * connection's transport, identity, registry slot and thread ({@link ConnectionRegistry#replace}), and the
 * {@link WireInput} that may hold the first frames, sent right behind the upgrade request.
 *
 * <p><b>Policy.</b> The server's HTTP deadlines stop here: no 408, no idle timeout, no header timeout. A
 * WebSocket's idle policy is its own ({@link WebSocketConfig}): idle pings with a dead-peer timeout, and the
 * closing handshake's timeout, run by the server's sweeper through {@link #sweep(long)}; only the write timeout
 * still holds, for a peer that does not read. The connection is never idle in the registry's sense, so the LRU
 * purge never evicts it when the server is full: an open WebSocket is a session someone uses, not a keep-alive
 * connection kept on speculation; {@code maxConnections} still counts it. A server that stops sends 1001 (going
 * away) and waits, within its grace period, for the peer's close frame; then it closes what is left.
 *
 * <p><b>Threads.</b> {@link #run()} runs on the connection's virtual thread: the listener's callbacks, or the
 * blocking handler. A listener's connection waits for its next frame without a thread outside a burst of
 * messages: the server's input watcher then starts {@link #run()} again on a fresh thread, and the session goes
 * on where it stopped. The sweeper calls {@link #sweep(long)}; the stopping server calls {@link #drainBusy()};
 * any thread may send on the WebSocket.
 */
final class WebSocketServerConnection extends ServerConnection implements ServerIdleHandOff, TransportChannel {
    // Few fields on purpose: an idle WebSocket's footprint is a headline number. The route's listener lives in the
    // session, and how the connection ended comes back from it.
    private final WebSocketSession session;
    /**
     * This connection's part of the server's budget of received content held ({@code maxHeldContentBytes}), which
     * the messages being assembled and handled take, as an HTTP/2 WebSocket's take it by their stream's window.
     */
    private final SharedBudget.Ledger messages;
    /** The blocking handler with its upgrade request, or null for a listener's connection. */
    private final BlockingWebSocketServe blocking;

    /**
     * @param listener the route's listener for this connection, or null to run the blocking handler instead
     * @param request the upgrade request, for the blocking handler
     */
    WebSocketServerConnection(ServerConnection upgraded, WireInput input, WebSocketConfig config,
            Agreement agreement, WebSocketListener listener, BlockingWebSocketHandler blockingHandler,
            ServerRequest request) {
        super(upgraded, null);
        this.blocking = listener == null ? new BlockingWebSocketServe(blockingHandler, request) : null;
        this.session = new WebSocketSession(id(), this, input, context.buffers(), Role.SERVER,
                config, agreement, listener);
        this.messages = context.heldContent().ledger();
        session.chargeMessagesTo(messages);
    }

    /** The session's channel is this connection's transport: no object more for an idle WebSocket to hold. */
    @Override
    public Transport transport() {
        return transport;
    }

    @Override
    ConnectionProtocol protocol() {
        return ConnectionProtocol.WEBSOCKET;
    }

    @Override
    int openWebSockets() {
        return 1;
    }

    @Override
    void releaseBuffers() {
        // The session gives back its read buffer and its zlib streams when it ends; its messages' room goes here.
        messages.close();
    }

    /** Serves the connection from the switch, or goes on after a wait that the input watcher held. */
    @Override
    public void run() {
        onThisThread();
        if (isDraining()) {
            session.goAway(CloseCode.GOING_AWAY, "server stopping");
        }
        if (blocking != null) {
            finish(blocking.serve(session, id()));
        } else {
            finishIfEnded(session.run(this));
        }
    }

    /**
     * Closes the transport (the session's timers abort a WebSocket whose peer did not answer a ping or finish the
     * closing handshake in time, or does not read), and gives the connection a read deadline of now: a WebSocket has
     * no deadline of its own, so were its thread lost (JDK 25 can leave a virtual thread that is woken as the heap
     * fills never scheduled again) nothing would ever free it. With the deadline the sweeper reclaims it, as any
     * connection, if no thread has closed it 5 s later. The timer that aborts stays due and aborts again at every
     * tick until a thread ends the session, so the deadline is set once: moved on at each tick, it would never be
     * 5 s old.
     */
    @Override
    public void abort() throws IOException {
        long now = System.nanoTime();
        long deadline = transport.readDeadlineNanos();
        if (deadline == 0 || deadline - now > 0) {
            transport.readDeadline(now);
        }
        transport.close();
    }

    /**
     * Hands the wait for the next frame to the server's input watcher, so an idle WebSocket parks no thread; the
     * watcher runs this connection again on a fresh thread. The connection is its own task: a method reference
     * made for each wait would be one more object on every idle WebSocket.
     */
    @Override
    public boolean waitElsewhere() {
        return waitWithoutThread(this);
    }

    @Override
    public void messageArrived() {
        exchangeEnded();
    }

    @Override
    public ServerContext context() {
        return context;
    }

    /** Closes the connection if the session ended; nothing if it handed its wait off (null). */
    private void finishIfEnded(String ended) {
        if (ended != null) {
            finish(ended);
        }
    }

    /**
     * Closes with the reason another thread gave, if one ended the connection, else the session's. A WebSocket has a
     * read deadline only while it closes (HTTP's are dropped at the upgrade), so a connection the sweeper ended for
     * its deadline was lingering after the session's own end, whose reason (a pongTimeout, a protocol error) says
     * why: the sweeper's "timeout" (when a TLS input could not be shut, and was closed) must not replace it.
     */
    private void finish(String reason) {
        String forced = forcedCloseReason();
        close(forced != null && !isTimedOut() ? forced : reason);
    }

    @Override
    void sweep(long nowNanos) {
        session.sweep(nowNanos);
    }

    /** Starts the closing handshake with 1001 on a thread of its own: sending may wait for a slow peer. */
    @Override
    void drainBusy() {
        Thread.ofVirtual().name("wisp-ws-going-away").start(
                () -> session.goAway(CloseCode.GOING_AWAY, "server stopping"));
    }
}
