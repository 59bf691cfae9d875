package dev.wisp.client.internal;

import static java.lang.System.Logger.Level.DEBUG;

import dev.wisp.client.ReconnectPolicy;
import dev.wisp.client.WebSocketRefusedException;
import dev.wisp.websocket.CloseStatus;
import dev.wisp.websocket.WebSocket;
import dev.wisp.websocket.WebSocketListener;
import dev.wisp.websocket.WebSocketMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket that connects again, after the {@link ReconnectPolicy}'s delay, whenever its connection ends without
 * the application closing it (a drop, a dead peer, the server going away). Each connection reports to the one
 * listener, with this object as the WebSocket: {@code onOpen} for every connection (the hook to subscribe again),
 * then {@code onClose} or {@code onError} when it ends. A refusal with a 4xx status stops reconnecting: asking again
 * would get the same answer.
 *
 * <p>Threads: each connection's reading thread calls the listener; a virtual thread of its own waits and
 * reconnects; any thread may send, and a send between connections fails with the closed connection's
 * {@link IOException}.
 */
public final class ReconnectingWebSocket implements WebSocket {
    private static final System.Logger LOG = System.getLogger(ReconnectingWebSocket.class.getName());

    /** Opens one connection whose events go to the given listener. */
    @FunctionalInterface
    public interface Opener {
        WebSocket open(WebSocketListener listener) throws IOException;
    }

    private final String target;
    private final Opener opener;
    private final WebSocketListener listener;
    private final ReconnectPolicy policy;
    private volatile WebSocket current;
    private volatile boolean closed;
    /** The close the application asked for, for a connection that opens after it; written before {@link #closed}. */
    private volatile int closeCode;
    private volatile String closeReason;
    private volatile Thread reconnecting;

    private ReconnectingWebSocket(String target, Opener opener, WebSocketListener listener, ReconnectPolicy policy) {
        this.target = target;
        this.opener = opener;
        this.listener = listener;
        this.policy = policy;
    }

    /**
     * Opens the first connection; it must succeed (its failure is thrown), later ones are retried.
     *
     * @param target what to name in log lines, such as the URL
     */
    public static WebSocket open(String target, Opener opener, WebSocketListener listener, ReconnectPolicy policy)
            throws IOException {
        ReconnectingWebSocket webSocket = new ReconnectingWebSocket(target, opener,
                Objects.requireNonNull(listener, "listener"), Objects.requireNonNull(policy, "policy"));
        WebSocket first = opener.open(webSocket.new Relay());
        if (webSocket.current == null) {
            webSocket.current = first;
        }
        return webSocket;
    }

    /** Starts waiting to reconnect, unless the application closed this WebSocket. */
    private void connectionEnded() {
        if (!closed) {
            reconnecting = Thread.ofVirtual().name("wisp-ws-reconnect").start(this::reconnect);
        }
    }

    private void reconnect() {
        IOException last = null;
        for (int attempt = 1; !closed && (policy.maxAttempts() == 0 || attempt <= policy.maxAttempts()); attempt++) {
            try {
                TimeUnit.NANOSECONDS.sleep(policy.delay(attempt).toNanos());
                if (closed) {
                    return;
                }
                opener.open(new Relay());
                return;
            } catch (InterruptedException e) {
                return; // close() interrupts the wait
            } catch (WebSocketRefusedException e) {
                if (e.status().code() >= 400 && e.status().code() < 500) {
                    last = e;
                    break;
                }
                last = e;
            } catch (IOException e) {
                last = e;
            }
            IOException failure = last;
            int made = attempt;
            LOG.log(DEBUG, () -> "reconnect " + made + " to " + target + " failed: " + failure.getMessage());
        }
        if (!closed) {
            listener.onError(this, new IOException("gave up reconnecting to " + target + ": "
                    + (last == null ? "no attempt left" : last.getMessage()), last));
        }
    }

    private WebSocket current() {
        return current;
    }

    @Override
    public Optional<String> subprotocol() {
        return current().subprotocol();
    }

    @Override
    public void sendText(String text) throws IOException {
        current().sendText(text);
    }

    @Override
    public void sendBinary(byte[] bytes) throws IOException {
        current().sendBinary(bytes);
    }

    @Override
    public OutputStream binaryStream() throws IOException {
        return current().binaryStream();
    }

    @Override
    public Writer textStream() throws IOException {
        return current().textStream();
    }

    @Override
    public void ping(byte[] payload) throws IOException {
        current().ping(payload);
    }

    @Override
    public void pong(byte[] payload) throws IOException {
        current().pong(payload);
    }

    /** Closes the current connection and stops reconnecting. */
    @Override
    public void close(int code, String reason) throws IOException {
        closeCode = code;
        closeReason = reason;
        closed = true;
        Thread waiting = reconnecting;
        if (waiting != null) {
            waiting.interrupt();
        }
        current().close(code, reason);
    }

    /** @throws IllegalStateException always: a reconnecting WebSocket has a listener */
    @Override
    public Optional<WebSocketMessage> receive() {
        throw new IllegalStateException("a reconnecting WebSocket has a listener: messages go to it");
    }

    @Override
    public boolean isOpen() {
        return !closed && current().isOpen();
    }

    /** The peer's close frame on the connection now in use, once it has come. */
    @Override
    public Optional<CloseStatus> peerCloseStatus() {
        return current().peerCloseStatus();
    }

    /** Passes one connection's events on with the reconnecting WebSocket in its place, and notes its end. */
    private final class Relay implements WebSocketListener {
        @Override
        public void onOpen(WebSocket webSocket) {
            current = webSocket;
            // close() may come as a reconnect completes. It sets closed before it reads current, and this sets
            // current before it reads closed: one of the two sees the other, so the new connection is closed either
            // way, here (before the application hears of it) or by close().
            if (closed) {
                closeOpenedLate(webSocket);
                return;
            }
            listener.onOpen(ReconnectingWebSocket.this);
        }

        private void closeOpenedLate(WebSocket webSocket) {
            try {
                webSocket.close(closeCode, closeReason);
            } catch (IOException | IllegalStateException e) {
                LOG.log(DEBUG, () -> "closing a connection to " + target + " that opened after close(): " + e);
            }
        }

        @Override
        public void onText(WebSocket webSocket, String text) throws IOException {
            listener.onText(ReconnectingWebSocket.this, text);
        }

        @Override
        public void onBinary(WebSocket webSocket, byte[] bytes) throws IOException {
            listener.onBinary(ReconnectingWebSocket.this, bytes);
        }

        @Override
        public void onPing(WebSocket webSocket, byte[] payload) {
            listener.onPing(ReconnectingWebSocket.this, payload);
        }

        @Override
        public void onPong(WebSocket webSocket, byte[] payload) {
            listener.onPong(ReconnectingWebSocket.this, payload);
        }

        @Override
        public void onClose(WebSocket webSocket, int code, String reason) {
            listener.onClose(ReconnectingWebSocket.this, code, reason);
            connectionEnded();
        }

        @Override
        public void onError(WebSocket webSocket, IOException error) {
            listener.onError(ReconnectingWebSocket.this, error);
            connectionEnded();
        }
    }
}
