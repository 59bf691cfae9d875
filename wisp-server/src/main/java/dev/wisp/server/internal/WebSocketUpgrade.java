package dev.wisp.server.internal;

import static java.lang.System.Logger.Level.DEBUG;

import dev.wisp.server.ServerRequest;
import dev.wisp.server.WebSocketRoute;
import dev.wisp.websocket.WebSocketListener;
import dev.wisp.websocket.internal.ServerHandshake;
import dev.wisp.websocket.internal.UpgradeDecision;
import java.io.IOException;
import java.util.Objects;

/**
 * Switches an HTTP/1.1 exchange on a WebSocket route to WebSocket: checks the handshake, asks the route's handler
 * for a listener (it may still refuse), answers 101, and makes the {@link WebSocketServerConnection} that takes
 * the connection over. A request that cannot be upgraded is left to the route's own handler, which answers why.
 *
 * <p>Runs on the connection's thread, inside the exchange, as the innermost handler of the service's filters: they
 * see the upgrade request and its 101 as they see any exchange, and may refuse it (an authentication filter).
 */
final class WebSocketUpgrade {
    private static final System.Logger LOG = System.getLogger(WebSocketUpgrade.class.getName());

    private WebSocketUpgrade() {
    }

    /**
     * Upgrades the exchange if its request is an acceptable upgrade, answering 101 through the exchange's own
     * response, so the filters around see it.
     *
     * @param request the upgrade request as the filters passed it on, for the route's handler
     * @param response the exchange's response (not a filter's wrapper: the 101 goes out as the handshake made it)
     * @return the connection that takes over now that the 101 is out, or null if the request is not upgraded
     * @throws dev.wisp.core.HttpProtocolException if the handler refused the upgrade with a status
     * @throws IOException if the handler failed or the 101 could not be sent
     */
    static ServerConnection upgrade(Http1ServerConnection connection, ServerRequest request, WebSocketRoute route,
            Http1ServerResponse response) throws IOException {
        if (!(ServerHandshake.decide(request.head(), route.config()) instanceof UpgradeDecision.Accept accept)
                || connection.isDraining() || !request.body().isFinished()) {
            return null;
        }
        WebSocketListener listener = listener(route, request);
        UpgradeDecision.Accept answer = accept.choosingBy(listener); // a relay answers with its upstream's choice
        response.switchProtocols(answer.headers());
        LOG.log(DEBUG, () -> "[c" + connection.id() + "] switched to websocket for " + request.path());
        return new WebSocketServerConnection(connection, connection.input(), route.config(), answer.agreement(),
                listener, route.blockingHandler().orElse(null), request);
    }

    /**
     * The listener the route's handler gives this WebSocket, which may still refuse it with a status; null for a
     * blocking route.
     */
    static WebSocketListener listener(WebSocketRoute route, ServerRequest request) throws IOException {
        if (route.handler().isEmpty()) {
            return null;
        }
        return Objects.requireNonNull(route.handler().get().open(request),
                "the WebSocket handler returned no listener");
    }
}
