package dev.wisp.server;

import dev.wisp.websocket.WebSocket;
import java.io.IOException;

/**
 * Serves a WebSocket connection with blocking calls ({@link Router.Builder#blockingWebSocket}): it runs on the
 * connection's virtual thread once the server has answered 101, reads with {@link WebSocket#receive()} and
 * sends from any thread. When it returns, the connection is closed with 1000 if it is still open; when it throws,
 * with 1011.
 *
 * <pre>{@code
 * .blockingWebSocket("/echo", WebSocketConfig.defaults(), (request, webSocket) -> {
 *     for (Optional<WebSocketMessage> message; (message = webSocket.receive()).isPresent(); ) {
 *         if (message.get() instanceof WebSocketMessage.Text text) {
 *             webSocket.sendText(text.text());
 *         }
 *     }
 * })
 * }</pre>
 */
@FunctionalInterface
public interface BlockingWebSocketHandler {

    /**
     * Serves one connection until it ends or the handler is done with it.
     *
     * @param request the upgrade request (headers, path parameters, connection); its body is empty
     */
    void serve(ServerRequest request, WebSocket webSocket) throws IOException;
}
