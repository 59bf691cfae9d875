package dev.wisp.server.internal;

import static java.lang.System.Logger.Level.DEBUG;

import dev.wisp.core.Method;
import dev.wisp.core.RequestHead;
import dev.wisp.core.WireInput;
import dev.wisp.server.RouteMatch;
import dev.wisp.server.Router;
import dev.wisp.server.ServerRequest;
import dev.wisp.server.WebSocketRoute;
import dev.wisp.websocket.WebSocketListener;
import dev.wisp.websocket.internal.Role;
import dev.wisp.websocket.internal.ServerHandshake;
import dev.wisp.websocket.internal.UpgradeDecision;
import dev.wisp.websocket.internal.WebSocketSession;
import java.io.IOException;

/**
 * Opens a WebSocket on an HTTP/2 stream whose request is an extended CONNECT with {@code :protocol websocket}
 * (RFC 8441 §4, §5), as {@link WebSocketUpgrade} switches an HTTP/1.1 connection: the same handshake checks and
 * agreement ({@link ServerHandshake}), the route's handler asked for a listener, then {@code :status 200} instead
 * of 101, and the stream's DATA carries the WebSocket's frames both ways ({@link Http2StreamChannel}). A request
 * that cannot be opened is left to the route's own handler, which answers why (400, 403, 426).
 *
 * <p>Runs on the stream's exchange thread, inside the exchange, as the innermost handler of the service's filters:
 * they see the CONNECT request and its 200 as they see any exchange, and may refuse it.
 */
final class Http2WebSocketUpgrade {
    private static final System.Logger LOG = System.getLogger(Http2WebSocketUpgrade.class.getName());
    private static final String WEBSOCKET = "websocket";

    private Http2WebSocketUpgrade() {
    }

    /**
     * The route of a request: an extended CONNECT for {@code websocket} goes to the WebSocket route of its path,
     * which the router lists under GET as HTTP/1.1's upgrade is a GET; any other request, or one to a path without
     * a WebSocket route, is routed by its own method (a CONNECT to a GET route then gets 405).
     *
     * @param protocol the request's {@code :protocol}, or null
     */
    static RouteMatch route(Router router, RequestHead head, String protocol) {
        if (WEBSOCKET.equals(protocol)) {
            RouteMatch webSocket = router.resolve(Method.GET, head.target());
            if (webSocket.handler() instanceof WebSocketRoute) {
                return webSocket;
            }
        }
        return router.resolve(head.method(), head.target());
    }

    /**
     * Opens the WebSocket if the request is an acceptable extended CONNECT, answering 200 through the exchange's
     * own response, so the filters around see it.
     *
     * @param request the request as the filters passed it on, for the route's handler
     * @param response the exchange's response (not a filter's wrapper: the 200 goes out as the handshake made it)
     * @return the WebSocket to run on the exchange's thread once the filters returned, or null if none opened
     * @throws dev.wisp.core.HttpProtocolException if the handler refused the WebSocket with a status
     * @throws IOException if the handler failed or the 200 could not be sent
     */
    static Http2WebSocketStream open(Http2ServerConnection connection, Http2ServerStream stream,
            ServerRequest request, WebSocketRoute route, Http2ServerResponse response) throws IOException {
        if (!(ServerHandshake.decide(request.head(), route.config()) instanceof UpgradeDecision.Accept accept)
                || connection.isDraining()) {
            return null;
        }
        WebSocketListener listener = WebSocketUpgrade.listener(route, request);
        UpgradeDecision.Accept answer = accept.choosingBy(listener); // a relay answers with its upstream's choice
        response.acceptTunnel(answer.headers());
        LOG.log(DEBUG, () -> "[c" + connection.id() + "] stream " + stream.id() + " opened a websocket for "
                + request.path());
        Http2StreamChannel channel = new Http2StreamChannel(connection, stream);
        ServerContext context = connection.http2().context();
        WebSocketSession session = new WebSocketSession(connection.id(), channel,
                WireInput.of(channel.input(), context.buffers()), context.buffers(), Role.SERVER, route.config(),
                answer.agreement(), listener);
        BlockingWebSocketServe blocking = listener == null
                ? new BlockingWebSocketServe(route.blockingHandler().orElseThrow(), request) : null;
        return new Http2WebSocketStream(context, connection, stream, session, blocking);
    }
}
