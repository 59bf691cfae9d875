package dev.wisp.server;

import dev.wisp.core.Ascii;
import dev.wisp.core.HeaderNames;
import dev.wisp.core.Method;
import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.internal.ServerHandshake;
import dev.wisp.websocket.internal.UpgradeDecision;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The handler of a WebSocket route, as {@link Router#resolve} returns it. A connection recognizes it and opens the
 * WebSocket for an acceptable request itself: HTTP/1.1 for an upgrade (101), HTTP/2 for an extended CONNECT with
 * {@code :protocol websocket} (RFC 8441; 200, the stream then carries the WebSocket), which it routes as a GET; every
 * other request reaches {@link #handle}, which answers why it cannot be upgraded: 426 with
 * {@code Sec-WebSocket-Version: 13} for a version other than 13, 426 with {@code Upgrade: websocket} for a plain GET,
 * 403 for an origin outside the allow-list, 400 for a malformed handshake (RFC 6455 §4.2.1). On a route made with a
 * handler of other requests, a request that does not ask for a WebSocket at all goes to that handler instead.
 *
 * <p>Immutable and thread-safe; made by {@link Router.Builder#webSocket} and
 * {@link Router.Builder#blockingWebSocket}.
 */
public final class WebSocketRoute implements Handler {
    private static final System.Logger LOG = System.getLogger(WebSocketRoute.class.getName());
    private final WebSocketConfig config;
    private final WebSocketHandler handler;
    private final BlockingWebSocketHandler blockingHandler;
    /** Where a request that does not ask for a WebSocket goes; null to refuse it with 426. */
    private final Handler otherRequests;
    /** Whether an upgrade was refused for its origin already: the operator is told of the first only. */
    private final AtomicBoolean originRefused = new AtomicBoolean();

    WebSocketRoute(WebSocketConfig config, WebSocketHandler handler, BlockingWebSocketHandler blockingHandler,
            Handler otherRequests) {
        this.config = config;
        this.handler = handler;
        this.blockingHandler = blockingHandler;
        this.otherRequests = otherRequests;
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

    /**
     * Answers a request that is not upgraded here with the reason (see the class comment); one that does not ask for
     * a WebSocket at all goes to the route's handler of other requests, if it has one.
     */
    @Override
    public void handle(ServerRequest request, ServerResponse response) throws IOException {
        if (otherRequests != null && !asksForWebSocket(request)) {
            otherRequests.handle(request, response);
            return;
        }
        switch (ServerHandshake.decide(request.head(), config)) {
            case UpgradeDecision.Reject reject -> {
                if (reject.forOrigin() && originRefused.compareAndSet(false, true)) {
                    // The default takes the server's own pages only: behind a proxy that renames the host, or with a
                    // page served elsewhere, every browser is refused, and only the operator can see why.
                    LOG.log(System.Logger.Level.WARNING, "refused a WebSocket of a page of " + Ascii.escape(
                            request.headers().first(HeaderNames.ORIGIN).orElse("")) + " for host " + Ascii.escape(
                            request.head().authority().orElse("")) + " (told once per route): list"
                            + " the origin in WebSocketConfig.allowedOrigins, or have a proxy in front pass the"
                            + " client's Host or X-Forwarded-Host");
                }
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

    /** An HTTP/1.1 upgrade to websocket, or an HTTP/2 extended CONNECT (the only CONNECT routed here). */
    private static boolean asksForWebSocket(ServerRequest request) {
        return request.method().equals(Method.CONNECT)
                || request.headers().containsToken(HeaderNames.UPGRADE, "websocket");
    }
}
