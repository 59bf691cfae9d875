package dev.wisp.server.internal;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.ERROR;

import dev.wisp.server.BlockingWebSocketHandler;
import dev.wisp.server.ServerRequest;
import dev.wisp.websocket.CloseCode;
import dev.wisp.websocket.internal.WebSocketSession;
import java.io.IOException;

/**
 * A blocking WebSocket route's handler with the opening request it gets, and how it serves a session, over HTTP/1.1
 * ({@link WebSocketServerConnection}) or an HTTP/2 stream ({@link Http2WebSocketStream}): the handler runs, the
 * session closes with 1000 if the handler left it open, with 1011 if the handler failed. Kept only for a blocking
 * route, since the request's head and headers, and through them the HTTP/1.1 connection, would otherwise stay on
 * the heap of every idle WebSocket.
 */
record BlockingWebSocketServe(BlockingWebSocketHandler handler, ServerRequest request) {
    private static final System.Logger LOG = System.getLogger(BlockingWebSocketServe.class.getName());

    /**
     * Runs the handler on the calling thread until it returns, and closes the session.
     *
     * @return how the WebSocket ended, for the connection's log line
     */
    String serve(WebSocketSession session, long connectionId) {
        try {
            handler.serve(request, session);
            if (session.isOpen()) {
                session.close(CloseCode.NORMAL_CLOSURE, "");
            }
            return "websocket handler returned";
        } catch (IOException e) {
            LOG.log(DEBUG, () -> "[c" + connectionId + "] websocket handler ended: " + e);
            // The handler's own failure gets 1011; after the session's (a protocol error, a drop) this sends nothing.
            closeQuietly(session, connectionId, CloseCode.INTERNAL_ERROR, "internal error");
            return "websocket failed: " + e.getMessage();
        } catch (RuntimeException e) {
            LOG.log(ERROR, "[c" + connectionId + "] websocket handler failed", e);
            closeQuietly(session, connectionId, CloseCode.INTERNAL_ERROR, "internal error");
            return "websocket handler failed: " + e;
        } finally {
            closeQuietly(session, connectionId, CloseCode.NORMAL_CLOSURE, "");
        }
    }

    private static void closeQuietly(WebSocketSession session, long connectionId, int code, String reason) {
        try {
            session.close(code, reason);
        } catch (IOException e) {
            LOG.log(DEBUG, () -> "[c" + connectionId + "] websocket close: " + e.getMessage());
        }
    }
}
