package dev.wisp.proxy;

import dev.wisp.core.Headers;
import dev.wisp.websocket.CloseCode;
import dev.wisp.websocket.WebSocket;
import dev.wisp.websocket.internal.AnswerChoosingListener;
import dev.wisp.websocket.internal.CloseAnsweringListener;
import dev.wisp.websocket.internal.Incoming;
import dev.wisp.websocket.internal.WebSocketSession;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Relays one WebSocket's messages between the client's connection (downstream) and the upstream's, each way on the
 * reading thread of the side they came from, so that a side that reads slowly slows the other one's reading down
 * rather than fill memory. Each side answers its own pings.
 *
 * <p>A close is one closing handshake end to end (RFC 6455 §5.5.1, §7.1.2): the close frame of the side that starts
 * it goes on to the other side, with its code and reason (none for a close frame without a code, §7.1.5), and is
 * answered only once the other side's close has come back, with that one's code and reason; messages still on their
 * way go across meanwhile, both ways. A side that does not close within closeTimeout, or fails, no longer holds the
 * answer up: it is then the code received, as a session echoes it.
 */
final class WebSocketPipe {
    /** How long an upstream message waits for the client's side to open before the upstream is let go. */
    private static final Duration OPEN_WAIT = Duration.ofSeconds(10);

    private final Duration closeTimeout;
    private final Side downstream = new Side();
    private final Side upstream = new Side();
    /** The fields of the upstream's answer that the client's gets; set before the client is answered. */
    private volatile Headers answerFields = Headers.empty();

    /** @param closeTimeout how long a close waits for the other side's, as a session waits for its peer's */
    WebSocketPipe(Duration closeTimeout) {
        this.closeTimeout = closeTimeout;
        // The 101 to the client may never go out (its connection failed): the upstream is then closed.
        downstream.socket.orTimeout(OPEN_WAIT.toMillis(), TimeUnit.MILLISECONDS).whenComplete((opened, failure) -> {
            if (failure != null) {
                upstream.socket.thenAccept(up -> closeQuietly(up, CloseCode.GOING_AWAY, "client side never opened"));
            }
        });
    }

    /**
     * The upstream's side, once its handshake is done: a session of the proxy's client, as a listener's WebSocket
     * always is, whose close can be an empty one.
     *
     * @param answerFields the fields of the upstream's answer to pass on to the client: its end-to-end ones
     */
    void upstreamOpened(WebSocket webSocket, Headers answerFields) {
        this.answerFields = answerFields;
        upstream.socket.complete((WebSocketSession) webSocket);
    }

    /** Hears the upstream and sends to the client. */
    final CloseAnsweringListener upstreamListener = new CloseAnsweringListener() {
        @Override
        public void onText(WebSocket from, String text) throws IOException {
            WebSocket to = awaitOpen(downstream);
            send(to, () -> to.sendText(text));
        }

        @Override
        public void onBinary(WebSocket from, byte[] bytes) throws IOException {
            WebSocket to = awaitOpen(downstream);
            send(to, () -> to.sendBinary(bytes));
        }

        @Override
        public Incoming.Close answerClose(WebSocket from, Incoming.Close close) {
            return relayClose(upstream, downstream, close);
        }

        @Override
        public void onClose(WebSocket from, int code, String reason) {
            closed(upstream, downstream, new Incoming.Close(code, reason));
        }

        @Override
        public void onError(WebSocket from, IOException error) {
            failed(upstream, downstream, CloseCode.BAD_GATEWAY, "upstream connection failed");
        }
    };

    /** Hears the client and sends to the upstream; the server answers the client with the upstream's subprotocol. */
    final ClientSideListener downstreamListener = new ClientSideListener() {
        @Override
        public Optional<String> subprotocol() {
            return upstream.socket.join().subprotocol(); // the upstream has opened before the client is answered
        }

        @Override
        public Headers answerFields() {
            return answerFields;
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            downstream.socket.complete((WebSocketSession) webSocket); // the server's session, on a Wisp route
        }

        @Override
        public void onText(WebSocket from, String text) throws IOException {
            WebSocket to = upstream.socket.join();
            send(to, () -> to.sendText(text));
        }

        @Override
        public void onBinary(WebSocket from, byte[] bytes) throws IOException {
            WebSocket to = upstream.socket.join();
            send(to, () -> to.sendBinary(bytes));
        }

        @Override
        public Incoming.Close answerClose(WebSocket from, Incoming.Close close) {
            return relayClose(downstream, upstream, close);
        }

        @Override
        public void onClose(WebSocket from, int code, String reason) {
            closed(downstream, upstream, new Incoming.Close(code, reason));
        }

        @Override
        public void onError(WebSocket from, IOException error) {
            failed(downstream, upstream, CloseCode.GOING_AWAY, "client connection failed");
        }
    };

    /**
     * One side started the closing handshake: passes its close on to the other side and waits for that one's, the
     * answer, at most closeTimeout; meanwhile the other side's reading thread relays what it still sends. Both sides
     * may start at once: each close then answers the other.
     */
    private Incoming.Close relayClose(Side from, Side to, Incoming.Close close) {
        from.close.complete(close);
        Incoming.Close answer = null;
        try {
            WebSocketSession other = awaitOpen(to);
            closeQuietly(other, close.code(), close.reason());
            answer = to.close.get(closeTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (IOException | ExecutionException | TimeoutException e) {
            // the other side never opened, or did not close in time: no answer to wait for
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return answer != null ? answer : new Incoming.Close(close.code(), "");
    }

    /**
     * A side's closing handshake is over: one the other side started, whose answer this was, or one this side's
     * session began on its own (a server stopping sends 1001), which goes on to the other side.
     */
    private static void closed(Side side, Side other, Incoming.Close close) {
        side.close.complete(close);
        other.socket.thenAccept(to -> closeQuietly(to, close.code(), close.reason()));
    }

    /** A side's connection failed: no close will come from it, and the other side is closed with this code. */
    private static void failed(Side side, Side other, int code, String reason) {
        side.close.complete(null);
        other.socket.thenAccept(to -> closeQuietly(to, code, reason));
    }

    private static WebSocketSession awaitOpen(Side side) throws IOException {
        try {
            return side.socket.get(OPEN_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the other side of the WebSocket opened", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("the other side of the WebSocket never opened", e);
        }
    }

    /**
     * What the listener of the client's side does: relay closes, and answer with the upstream's subprotocol and
     * fields.
     */
    interface ClientSideListener extends CloseAnsweringListener, AnswerChoosingListener {
    }

    private interface Send {
        void run() throws IOException;
    }

    /**
     * Sends, also to a side whose close has come but is not answered yet (what it reads before the answer is its
     * own); a message the side can no longer take, as its close has gone out or its connection ended, is dropped.
     */
    private static void send(WebSocket to, Send send) throws IOException {
        try {
            send.run();
        } catch (IOException | IllegalStateException e) {
            if (to.isOpen()) {
                throw e;
            }
        }
    }

    /** Starts the side's closing handshake with this close, unless its close is under way or it ended. */
    private static void closeQuietly(WebSocketSession webSocket, int code, String reason) {
        try {
            if (webSocket.isOpen()) {
                webSocket.closeAsRelayed(code, reason);
            }
        } catch (IOException | RuntimeException e) {
            // already closing or closed: nothing more to pass on
        }
    }

    /** One side's WebSocket, and its close once that has come. */
    private static final class Side {
        final CompletableFuture<WebSocketSession> socket = new CompletableFuture<>();
        /** The side's close frame, or null if its connection failed before one came. */
        final CompletableFuture<Incoming.Close> close = new CompletableFuture<>();
    }
}
