package dev.wisp.server;

import dev.wisp.websocket.WebSocketListener;
import java.io.IOException;

/**
 * Accepts WebSocket upgrades on a route ({@link Router.Builder#webSocket}) and gives each connection its listener.
 * It runs after the opening handshake was checked and before the server answers 101, so it may still refuse.
 *
 * <pre>{@code
 * Router router = Router.builder()
 *         .webSocket("/chat/{room}", WebSocketConfig.defaults(), request -> new ChatListener(
 *                 request.pathParameter("room").orElseThrow()))
 *         .build();
 * }</pre>
 */
@FunctionalInterface
public interface WebSocketHandler {

    /**
     * Decides on an upgrade request and returns the listener of its connection, whose callbacks then run on the
     * connection's virtual thread.
     *
     * @param request the upgrade request: headers, path parameters, {@link ServerRequest#connection()} (the TLS
     *     peer certificates over wss); its body is empty
     * @throws dev.wisp.core.HttpProtocolException to refuse the upgrade with that status (say 403)
     * @throws IOException for any other failure, answered with 500
     */
    WebSocketListener open(ServerRequest request) throws IOException;
}
