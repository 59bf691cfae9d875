package dev.wisp.server.internal;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.ERROR;

import dev.wisp.http2.ErrorCode;
import dev.wisp.websocket.CloseCode;
import dev.wisp.websocket.internal.WebSocketSession;

/**
 * A WebSocket on an HTTP/2 stream (RFC 8441), once its 200 went out: the session runs on the stream's exchange
 * thread, with the route's listener or its blocking handler, and the stream then ends as any other. A listener's
 * session parks no thread while it waits for its next message, as over HTTP/1.1: the wait is left to the stream
 * ({@link dev.wisp.http2.Http2Stream#runWhenReadable}), and the connection's reading thread, which brings the
 * stream's next DATA (or its end, or a reset), starts the session again on a fresh thread. Until the session ends,
 * the stream holds one of the connection's {@code maxConcurrentStreams} places and one of its handlers' places.
 * A blocking handler keeps its thread, which is its to hold.
 *
 * <p>The session's timers run on the server's sweeper through the stream ({@link Http2ServerStream#sweep}); a
 * server that stops sends it 1001 (going away) with its GOAWAY ({@link Http2ServerStream#serverStopping}).
 */
final class Http2WebSocketStream implements ServerIdleHandOff, Runnable {
    private static final System.Logger LOG = System.getLogger(Http2WebSocketStream.class.getName());

    private final ServerContext context;
    private final Http2ServerConnection connection;
    private final Http2ServerStream stream;
    private final WebSocketSession session;
    /** The blocking handler with its request, or null for a listener's WebSocket. */
    private final BlockingWebSocketServe blocking;

    Http2WebSocketStream(ServerContext context, Http2ServerConnection connection, Http2ServerStream stream,
            WebSocketSession session, BlockingWebSocketServe blocking) {
        this.context = context;
        this.connection = connection;
        this.stream = stream;
        this.session = session;
        this.blocking = blocking;
    }

    /**
     * Serves the WebSocket on the calling thread, the exchange's, until it ends or leaves its wait to the stream.
     *
     * @return whether it ended; false if a thread of its own goes on with it (and ends the exchange then)
     */
    boolean start() {
        stream.carry(session);
        if (connection.isDraining()) {
            session.goAway(CloseCode.GOING_AWAY, "server stopping");
        }
        if (blocking != null) {
            logEnded(blocking.serve(session, connection.id()));
            return true;
        }
        return serve();
    }

    /** Goes on after a wait the stream held, on a fresh thread, and ends the exchange once the session ends. */
    @Override
    public void run() {
        boolean ended = true;
        try {
            ended = serve();
        } catch (RuntimeException | Error e) {
            LOG.log(ERROR, "[c" + connection.id() + "] websocket failed on stream " + stream.id(), e);
            connection.output().reset(stream, ErrorCode.INTERNAL_ERROR);
        } finally {
            if (ended) {
                connection.exchangeEnded(stream);
            }
        }
    }

    private boolean serve() {
        String ended = session.run(this);
        if (ended == null) {
            return false;
        }
        logEnded(ended);
        return true;
    }

    private void logEnded(String ended) {
        LOG.log(DEBUG, () -> "[c" + connection.id() + "] stream " + stream.id() + ": " + ended);
    }

    /**
     * Leaves the wait for the next frame to the stream; the thread that brings it starts {@link #run()}. A thread
     * that cannot be started ends the connection: the session could never go on, nor its stream end.
     */
    @Override
    public boolean waitElsewhere() {
        return stream.runWhenReadable(this::resume);
    }

    /** On the thread that brought the stream's next DATA, its end or a reset: it must not block. */
    private void resume() {
        try {
            context.startThread(this);
        } catch (RuntimeException | OutOfMemoryError e) {
            connection.abort("no thread for a websocket's next message");
        }
    }

    @Override
    public ServerContext context() {
        return context;
    }

    /** Nothing: the streams of a connection take their turns through its frames, not through this. */
    @Override
    public void messageArrived() {
    }
}
