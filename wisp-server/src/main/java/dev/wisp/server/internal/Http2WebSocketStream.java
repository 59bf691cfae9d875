package dev.wisp.server.internal;

import static java.lang.System.Logger.Level.DEBUG;

import dev.wisp.websocket.CloseCode;
import dev.wisp.websocket.internal.WebSocketSession;

/**
 * A WebSocket on an HTTP/2 stream (RFC 8441), once its 200 went out: the session runs on the stream's exchange
 * thread until it ends, with the route's listener or its blocking handler, and the exchange then ends the stream as
 * any other. Unlike a WebSocket over HTTP/1.1, whose idle wait goes to the input watcher, it keeps that thread
 * while it waits: the connection's reading thread waits for the socket, and this one for its stream. It holds
 * one of the connection's {@code maxConcurrentStreams} places for its whole life.
 *
 * <p>The session's timers run on the server's sweeper through the stream ({@link Http2ServerStream#sweep}); a
 * server that stops sends it 1001 (going away) with its GOAWAY ({@link Http2ServerStream#serverStopping}).
 */
final class Http2WebSocketStream {
    private static final System.Logger LOG = System.getLogger(Http2WebSocketStream.class.getName());

    private final Http2ServerConnection connection;
    private final Http2ServerStream stream;
    private final WebSocketSession session;
    /** The blocking handler with its request, or null for a listener's WebSocket. */
    private final BlockingWebSocketServe blocking;

    Http2WebSocketStream(Http2ServerConnection connection, Http2ServerStream stream, WebSocketSession session,
            BlockingWebSocketServe blocking) {
        this.connection = connection;
        this.stream = stream;
        this.session = session;
        this.blocking = blocking;
    }

    /** Serves the WebSocket on the calling thread, the exchange's, until it ends. */
    void run() {
        stream.carry(session);
        if (connection.isDraining()) {
            session.goAway(CloseCode.GOING_AWAY, "server stopping");
        }
        String ended = blocking != null ? blocking.serve(session, connection.id()) : session.run(null);
        LOG.log(DEBUG, () -> "[c" + connection.id() + "] stream " + stream.id() + ": " + ended);
    }
}
