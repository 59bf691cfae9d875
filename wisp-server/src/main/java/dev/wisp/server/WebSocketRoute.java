package dev.wisp.server;

import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.internal.ServerHandshake;
import dev.wisp.websocket.internal.UpgradeDecision;
import java.io.IOException;
import java.util.Optional;

/**
 * The handler of a WebSocket route, as {@link Router#resolve} returns it. A connection recognizes it and opens the
 * WebSocket for an acceptable request itself: HTTP/1.1 for an upgrade (101), HTTP/2 for an extended CONNECT with
 * {@code :protocol websocket} (RFC 8441; 200, the stream then carries the WebSocket), which it routes as a GET; every
 * other request reaches {@link #handle}, which answers why it cannot be upgraded: 426 with
 * {@code Sec-WebSocket-Version: 13} for a version other than 13, 426 with {@code Upgrade: websocket} for a plain GET,
 * 403 for an origin outside the allow-list, 400 for a malformed handshake (RFC 6455 §4.2.1).
 *
 * <p>Immutable and thread-safe; made by {@link Router.Builder#webSocket} and
 * {@link Router.Builder#blockingWebSocket}.
 */
public final class WebSocketRoute implements Handler {
    private final WebSocketConfig config;
    private final WebSocketHandler handler;
    private final BlockingWebSocketHandler blockingHandler;

    WebSocketRoute(WebSocketConfig config, WebSocketHandler handler, BlockingWebSocketHandler blockingHandler) {
        this.config = config;
        this.handler = handler;
        this.blockingHandler = blockingHandler;
    }

    /** The settings of this route's connections. */
    public WebSocketConfig config() {
        return config;
    }

    /** The handler that gives each connection a listener, for a route made with {@code webSocket}. */
    public Optional<WebSocketHandler> handler() {
        return Optional.ofNullable(handler);
    }

    /** The handler that serves each connection with blocking calls, for a route made with {@code blockingWebSocket}. */
    public Optional<BlockingWebSocketHandler> blockingHandler() {
        return Optional.ofNullable(blockingHandler);
    }

    /** Answers a request that is not upgraded here with the reason (see the class comment). */
    @Override
    public void handle(ServerRequest request, ServerResponse response) throws IOException {
        switch (ServerHandshake.decide(request.head(), config)) {
            case UpgradeDecision.Reject reject -> {
                response.status(reject.status());
                reject.headers().forEach(response::header);
                response.send(reject.message() + "\n");
            }
            case UpgradeDecision.Accept accept ->
                    // A valid upgrade that the connection did not take: it carries a body, or the server stops.
                    response.status(request.body().isFinished() ? 503 : 400).send(request.body().isFinished()
                            ? "server stopping: no WebSocket upgrade\n" : "a WebSocket upgrade request has no body\n");
        }
    }
}
