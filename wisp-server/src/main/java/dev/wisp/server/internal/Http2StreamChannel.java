package dev.wisp.server.internal;

import static java.lang.System.Logger.Level.DEBUG;

import dev.wisp.http2.Http2StreamPipe;
import dev.wisp.websocket.internal.SessionChannel;
import java.io.IOException;

/**
 * A WebSocket session's channel over one HTTP/2 stream opened by an extended CONNECT (RFC 8441 §5), its bytes the
 * stream's DATA both ways ({@link Http2StreamPipe}). What the session reads goes back to the client as credit, so a
 * session that reads slowly holds up its own stream only: what it leaves unread is bounded by the stream's window
 * (256 KiB), and the connection's credit for it went back as it arrived ({@link
 * dev.wisp.http2.Http2Stream#creditConnectionOnArrival()}). A write waits for the windows at most the server's write
 * timeout, as a response's does, and the stream is then reset. Closing after the close frame ends the stream
 * (END_STREAM); an abort, or a close without the frame, resets it with CANCEL.
 *
 * <p>Threads: the session's reading thread reads, one sender at a time writes, any thread may abort.
 */
final class Http2StreamChannel extends Http2StreamPipe implements SessionChannel {
    private static final System.Logger LOG = System.getLogger(Http2StreamChannel.class.getName());

    private final Http2ServerConnection connection;
    private final Http2ServerStream stream;

    Http2StreamChannel(Http2ServerConnection connection, Http2ServerStream stream) {
        super(connection.output(), stream);
        this.connection = connection;
        this.stream = stream;
    }

    @Override
    protected void consumed(int bytes) throws IOException {
        connection.consumed(stream, bytes);
    }

    @Override
    public void close(boolean closeSent) {
        if (closeSent) {
            try {
                shutdownOutput();
                return;
            } catch (IOException e) {
                LOG.log(DEBUG, () -> "[c" + connection.id() + "] stream " + stream.id() + " not ended: " + e);
            }
        }
        reset();
    }
}
