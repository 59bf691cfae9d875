package dev.wisp.client.internal;

import static java.lang.System.Logger.Level.DEBUG;

import dev.wisp.client.ConnectionClosedException;
import dev.wisp.http2.Http2StreamPipe;
import dev.wisp.websocket.internal.SessionChannel;
import dev.wisp.websocket.internal.WebSocketSession;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A client WebSocket session's channel over one stream of a shared {@link Http2ClientConnection}, opened by an
 * extended CONNECT (RFC 8441 §5), its bytes the stream's DATA both ways ({@link Http2StreamPipe}). What the session
 * reads goes back to the server as the stream's credit, so a WebSocket that reads nothing holds up its own stream
 * only: the connection's credit went back as the content arrived (as for every stream of the client's), so the
 * connection's other streams go on. A write waits for the windows at most the client's write timeout; the stream is
 * then reset.
 *
 * <p>Closing after the close frames ends the stream with END_STREAM (the client has read the server's END_STREAM
 * first, as it waits for the server's FIN over TCP, RFC 6455 §7.1.1); an abort, or a close without the frame, resets
 * it with CANCEL. The stream holds one of the server's concurrent-stream places until the session ends, when it gives
 * it back to the connection, once.
 *
 * <p>An idle session read by a listener parks no thread: its wait for the next frame is left to the stream
 * ({@link dev.wisp.http2.Http2Stream#runWhenReadable}), and the connection's reading thread, which brings the stream's
 * next DATA (or its end, or a reset), starts the session again on a fresh thread, as the server does.
 *
 * <p>Threads: the session's reading thread reads and closes, one sender at a time writes; any thread may abort, and
 * the client's sweeper runs the session's timers through {@link #sweep(long)}.
 */
final class Http2WebSocketChannel extends Http2StreamPipe
        implements SessionChannel, ClientSweeper.Sweepable, ClientIdleHandOff {
    private static final System.Logger LOG = System.getLogger(Http2WebSocketChannel.class.getName());
    private static final int HELD = 0;
    private static final int RELEASING = 1;
    private static final int RELEASED = 2;
    /** The most a close waits for a release under way on another thread, which takes microseconds. */
    private static final long RELEASE_WAIT_NANOS = 1_000_000_000L;

    private final Http2ClientConnection connection;
    private final Http2ClientStream stream;
    /** Whether the stream's place is {@link #HELD}, being given back, or {@link #RELEASED}. */
    private final AtomicInteger place = new AtomicInteger(HELD);
    /** The session whose timers the sweeper runs; null until it starts. */
    private volatile WebSocketSession session;
    /** The session's reading thread; null until it starts. */
    private volatile WebSocketReading reading;

    Http2WebSocketChannel(Http2ClientConnection connection, Http2ClientStream stream) {
        super(connection.output(), stream);
        this.connection = connection;
        this.stream = stream;
    }

    @Override
    public boolean waitElsewhere() {
        return stream.runWhenReadable(this::resume);
    }

    /**
     * On the connection's reading thread, which brought the stream's next DATA, its end or a reset: it must not
     * block. A thread that cannot start (memory is short) resets the stream; the reading, which counts as running
     * while its wait is left to the stream, is then told to the listener as lost ({@link WebSocketReading}).
     */
    private void resume() {
        try {
            Thread.ofVirtual().name("wisp-ws-client").start(() -> reading.read(this));
        } catch (RuntimeException | OutOfMemoryError e) {
            release();
        }
    }

    /** Nothing: the streams of a connection take their turns through its frames, not through this. */
    @Override
    public void messageArrived() {
    }

    /** Runs the session's timers (idle pings, the closing handshake) on the client's sweeper from now on. */
    void watch(WebSocketSession running, WebSocketReading readingThread) {
        session = running;
        reading = readingThread;
        ClientSweeper.instance().watch(this);
    }

    @Override
    protected void consumed(int bytes) {
        connection.consumed(stream, bytes);
    }

    /**
     * The client's types for a stream's end, as the listener and {@code receive()} are told of it: a reset by the
     * server or the connection's end is the {@link ConnectionClosedException} a call's would be, and a read past its
     * deadline the {@link SocketTimeoutException} of the session's timers.
     */
    @Override
    protected IOException failed(IOException e) {
        if (e instanceof Http2StreamEndedException ended) {
            return new ConnectionClosedException(ended.getMessage() + " (a WebSocket)", false, e);
        }
        if (e instanceof Http2ReadTimeoutException) {
            return new SocketTimeoutException("no WebSocket data on HTTP/2 stream " + stream.id()
                    + " within the time allowed");
        }
        return e;
    }

    @Override
    public void close(boolean closeSent) {
        if (closeSent) {
            try {
                shutdownOutput();
            } catch (IOException e) {
                LOG.log(DEBUG, () -> "[" + connection + "] stream " + stream.id() + " not ended: " + e);
            }
        }
        release(); // resets the stream unless it ended both ways
        awaitReleased();
    }

    /**
     * Waits until the place is back, should the sweeper be giving it back at this moment (the stream was reset): the
     * session tells the application of its end once this returns, and the application's next call on the origin
     * must find the place free, not the connection full (a second connection opened then).
     */
    private void awaitReleased() {
        long end = System.nanoTime() + RELEASE_WAIT_NANOS;
        while (place.get() != RELEASED && System.nanoTime() - end < 0) {
            Thread.yield();
        }
    }

    /**
     * Runs the session's timers; once the stream was reset (by either side, or its connection ended) gives its place
     * back, as an HTTP/1.1 WebSocket's connection closes once its transport did, even if no thread reads the end.
     */
    @Override
    public void sweep(long nowNanos) {
        WebSocketReading thread = reading;
        if (thread != null) {
            thread.tellIfUntold();
        }
        if (place.get() != HELD) {
            if (thread != null) {
                thread.connectionClosed(nowNanos);
            }
            unwatchOnceFinished();
            return;
        }
        if (stream.isReset()) {
            release();
            return;
        }
        WebSocketSession running = session;
        if (running != null) {
            running.sweep(nowNanos);
        }
    }

    /**
     * Gives the stream's place back to the connection, resetting the stream if still open; once. The sweeper lets go
     * of the channel once its reading thread, if any, has ended and the listener heard of the end.
     */
    void release() {
        if (place.compareAndSet(HELD, RELEASING)) {
            try {
                connection.release(stream);
            } finally {
                place.set(RELEASED);
            }
        }
        unwatchOnceFinished();
    }

    private void unwatchOnceFinished() {
        WebSocketReading thread = reading;
        if (thread == null || !thread.isUnfinished()) {
            ClientSweeper.instance().unwatch(this);
        }
    }
}
