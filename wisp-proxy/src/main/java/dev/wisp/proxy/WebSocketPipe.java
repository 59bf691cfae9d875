package dev.wisp.proxy;

import dev.wisp.websocket.CloseCode;
import dev.wisp.websocket.WebSocket;
import dev.wisp.websocket.WebSocketListener;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Relays one WebSocket's messages between the client's connection (downstream) and the upstream's, each way on the
 * reading thread of the side they came from, so that a side that reads slowly slows the other one's reading down
 * rather than fill memory. Each side answers its own pings; a close is passed on with its code and reason.
 */
final class WebSocketPipe {
    /** How long an upstream message waits for the client's side to open before the upstream is let go. */
    private static final Duration OPEN_WAIT = Duration.ofSeconds(10);

    private final CompletableFuture<WebSocket> downstream = new CompletableFuture<>();
    private final CompletableFuture<WebSocket> upstream = new CompletableFuture<>();

    WebSocketPipe() {
        // The 101 to the client may never go out (its connection failed): the upstream is then closed.
        downstream.orTimeout(OPEN_WAIT.toMillis(), TimeUnit.MILLISECONDS).whenComplete((opened, failure) -> {
            if (failure != null) {
                upstream.thenAccept(up -> closeQuietly(up, CloseCode.GOING_AWAY, "client side never opened"));
            }
        });
    }

    /** The upstream's side, once its handshake is done. */
    void upstreamOpened(WebSocket webSocket) {
        upstream.complete(webSocket);
    }

    /** Hears the upstream and sends to the client. */
    final WebSocketListener upstreamListener = new WebSocketListener() {
        @Override
        public void onText(WebSocket from, String text) throws IOException {
            WebSocket to = awaitDownstream();
            send(to, () -> to.sendText(text));
        }

        @Override
        public void onBinary(WebSocket from, byte[] bytes) throws IOException {
            WebSocket to = awaitDownstream();
            send(to, () -> to.sendBinary(bytes));
        }

        @Override
        public void onClose(WebSocket from, int code, String reason) {
            downstream.thenAccept(to -> closeQuietly(to, relayedCode(code), reason));
        }

        @Override
        public void onError(WebSocket from, IOException error) {
            downstream.thenAccept(to -> closeQuietly(to, CloseCode.BAD_GATEWAY, "upstream connection failed"));
        }
    };

    /** Hears the client and sends to the upstream. */
    final WebSocketListener downstreamListener = new WebSocketListener() {
        @Override
        public void onOpen(WebSocket webSocket) {
            downstream.complete(webSocket);
        }

        @Override
        public void onText(WebSocket from, String text) throws IOException {
            WebSocket to = upstream.join();
            send(to, () -> to.sendText(text));
        }

        @Override
        public void onBinary(WebSocket from, byte[] bytes) throws IOException {
            WebSocket to = upstream.join();
            send(to, () -> to.sendBinary(bytes));
        }

        @Override
        public void onClose(WebSocket from, int code, String reason) {
            upstream.thenAccept(to -> closeQuietly(to, relayedCode(code), reason));
        }

        @Override
        public void onError(WebSocket from, IOException error) {
            upstream.thenAccept(to -> closeQuietly(to, CloseCode.GOING_AWAY, "client connection failed"));
        }
    };

    private WebSocket awaitDownstream() throws IOException {
        try {
            return downstream.get(OPEN_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the client's side opened", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("the client's side of the WebSocket never opened", e);
        }
    }

    private interface Send {
        void run() throws IOException;
    }

    /**
     * Sends, unless the other side has closed; a failure because it has just closed drops the message too, as its
     * close is under way.
     */
    private static void send(WebSocket to, Send send) throws IOException {
        if (!to.isOpen()) {
            return;
        }
        try {
            send.run();
        } catch (IOException e) {
            if (to.isOpen()) {
                throw e;
            }
        }
    }

    /** A code one side received, as the other side can send it: those never sent on the wire become 1000. */
    static int relayedCode(int code) {
        return CloseCode.isValidOnWire(code) ? code : CloseCode.NORMAL_CLOSURE;
    }

    private static void closeQuietly(WebSocket webSocket, int code, String reason) {
        try {
            if (webSocket.isOpen()) {
                webSocket.close(code, reason);
            }
        } catch (IOException | RuntimeException e) {
            // already closing or closed: nothing more to pass on
        }
    }
}
