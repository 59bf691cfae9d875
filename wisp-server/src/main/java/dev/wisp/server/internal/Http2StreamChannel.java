package dev.wisp.server.internal;

import static java.lang.System.Logger.Level.DEBUG;

import dev.wisp.http2.ErrorCode;
import dev.wisp.websocket.internal.SessionChannel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.util.Objects;

/**
 * A WebSocket session's channel over one HTTP/2 stream opened by an extended CONNECT (RFC 8441 §5): what the session
 * reads is the stream's DATA, what it writes goes out as DATA, both ways under flow control. What the session reads
 * goes back to the client as credit, so a session that reads slowly holds up its own stream only: what it leaves unread
 * is bounded by the stream's window (256 KiB), and the connection's credit for it went back as it arrived ({@link
 * dev.wisp.http2.Http2Stream#creditConnectionOnArrival()}). A write waits for the windows at most the server's write
 * timeout, as a response's does, and the stream is then reset. Closing after the close frame ends the stream
 * (END_STREAM); an abort, or a close without the frame, resets it with CANCEL.
 *
 * <p>Threads: the session's reading thread reads, one sender at a time writes, any thread may abort.
 */
final class Http2StreamChannel implements SessionChannel {
    private static final System.Logger LOG = System.getLogger(Http2StreamChannel.class.getName());
    private static final byte[] EMPTY = new byte[0];

    private final Http2ServerConnection connection;
    private final Http2ServerStream stream;
    private final InputStream input = new StreamInput();
    private final OutputStream output = new StreamOutput();
    /** The read deadline, 0 for none; set by whichever thread reads next. */
    private volatile long readDeadlineNanos;

    Http2StreamChannel(Http2ServerConnection connection, Http2ServerStream stream) {
        this.connection = connection;
        this.stream = stream;
    }

    @Override
    public InputStream input() {
        return input;
    }

    @Override
    public OutputStream output() {
        return output;
    }

    @Override
    public void readDeadline(long deadlineNanos) {
        readDeadlineNanos = deadlineNanos;
    }

    /** None: each write of the stream's output is bounded by the write timeout already ({@code Http2Output}). */
    @Override
    public long writeDeadlineNanos() {
        return 0;
    }

    @Override
    public boolean awaitInput(long nanos) throws IOException {
        return stream.awaitContent(nanos);
    }

    @Override
    public void beforeWaiting() {
        // The connection's reading thread waits for the socket; this one waits for the stream, which costs nothing.
    }

    @Override
    public void shutdownOutput() throws IOException {
        if (!stream.isLocalEnded()) {
            connection.output().writeData(stream, EMPTY, 0, 0, true);
        }
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
        connection.output().reset(stream, ErrorCode.CANCEL);
    }

    /** Resets the stream on a thread of its own: the caller may be the sweeper, which must not wait for the lock. */
    @Override
    public void abort() {
        if (!stream.isClosed()) {
            Thread.ofVirtual().name("wisp-h2-ws-abort-" + connection.id() + "-" + stream.id())
                    .start(() -> connection.output().reset(stream, ErrorCode.CANCEL));
        }
    }

    /** The stream's DATA as the session reads it, each read bounded by the read deadline if one is set. */
    private final class StreamInput extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] destination, int offset, int length) throws IOException {
            Objects.checkFromIndexSize(offset, length, destination.length);
            if (length == 0) {
                return 0;
            }
            long deadline = readDeadlineNanos;
            long timeout = deadline == 0 ? Long.MAX_VALUE : deadline - System.nanoTime();
            int n = stream.read(destination, offset, length, timeout);
            if (n > 0) {
                connection.consumed(stream, n);
            }
            return n;
        }

        @Override
        public int available() {
            return stream.available();
        }
    }

    /** The session's frames as DATA on the stream; each write goes out before it returns. */
    private final class StreamOutput extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            Objects.checkFromIndexSize(offset, length, bytes.length);
            if (length > 0) {
                try {
                    connection.output().writeData(stream, bytes, offset, length, false);
                } catch (SocketTimeoutException e) {
                    // The client kept its window shut past the write timeout: as a late write closes a WebSocket's
                    // connection over HTTP/1.1, it resets the stream here, which ends the session's reads too.
                    abort();
                    throw e;
                }
            }
        }
    }
}
