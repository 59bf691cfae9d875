package dev.wisp.http2;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.util.Objects;

/**
 * The two byte streams of one HTTP/2 stream that carries a tunnel, such as a WebSocket opened by an extended CONNECT
 * (RFC 8441 §5): what is read is the stream's DATA, what is written goes out as DATA, both ways under flow control.
 * The server's and the client's WebSocket channels build on it, each adding how the stream's credit goes back and how
 * the stream ends. What is read goes back to the peer as credit ({@link #consumed(int)}), so a reader that reads
 * slowly holds up its own stream only. A write waits for the windows at most the output's write timeout, and the
 * stream is then reset (CANCEL), as a late write closes a connection over HTTP/1.1.
 *
 * <p>Threads: one thread reads at a time, one writes at a time; any thread may {@link #abort()}. It starts no thread
 * itself: the connection that owns the stream does.
 */
public abstract class Http2StreamPipe {
    private static final byte[] EMPTY = new byte[0];

    private final Http2Output output;
    private final Http2Stream stream;
    private final InputStream input = new StreamInput();
    private final OutputStream dataOutput = new StreamOutput();
    /** The read deadline, 0 for none; set by whichever thread reads next, or a closing one. */
    private volatile long readDeadlineNanos;

    protected Http2StreamPipe(Http2Output output, Http2Stream stream) {
        this.output = Objects.requireNonNull(output, "output");
        this.stream = Objects.requireNonNull(stream, "stream");
    }

    /** Gives back credit for bytes read from the stream, on the reading thread. */
    protected abstract void consumed(int bytes) throws IOException;

    /**
     * What a read or write that failed on the stream throws: the failure as it is, unless the side has types of its
     * own for a reset stream or an ended connection that its users are told of.
     */
    protected IOException failed(IOException e) {
        return e;
    }

    /** The stream's DATA as it arrives; -1 once the peer ended the stream. */
    public final InputStream input() {
        return input;
    }

    /** DATA on the stream; every write goes out before it returns. */
    public final OutputStream output() {
        return dataOutput;
    }

    /** Every read until the next call must finish by this {@link System#nanoTime()} deadline; 0 for none. */
    public final void readDeadline(long deadlineNanos) {
        readDeadlineNanos = deadlineNanos;
    }

    /** None: each write is bounded by the output's write timeout already. */
    public final long writeDeadlineNanos() {
        return 0;
    }

    /** Waits at most this long for content, the stream's end or a reset: true if one is here in time. */
    public final boolean awaitInput(long nanos) throws IOException {
        return stream.awaitContent(nanos);
    }

    /** Nothing to do: the connection's reading thread waits for the socket, and this one for the stream. */
    public final void beforeWaiting() {
    }

    /** True: the stream's reset follows its DATA on the connection, so what was written reaches the peer. */
    public final boolean keepsWhatWasWrittenOnAbort() {
        return true;
    }

    /** Ends our side of the stream with END_STREAM, unless it ended already; reading goes on. */
    public final void shutdownOutput() throws IOException {
        if (!stream.isLocalEnded()) {
            try {
                output.writeData(stream, EMPTY, 0, 0, true);
            } catch (IOException e) {
                throw failed(e);
            }
        }
    }

    /**
     * Ends the stream at once from any thread, without waiting for the output's lock (the caller may be a sweeper):
     * the connection resets it ({@link #reset()}) on a thread of its own, and a blocked read or write then fails.
     */
    public final void abort() {
        if (!stream.isClosed()) {
            Thread.ofVirtual().name("wisp-h2-stream-abort-" + stream.id()).start(this::reset);
        }
    }

    /** Resets the stream (CANCEL) now, unless it is closed already. */
    protected final void reset() {
        output.reset(stream, ErrorCode.CANCEL);
    }

    /** The stream's DATA as it is read, each read bounded by the read deadline if one is set. */
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
            int n;
            try {
                n = stream.read(destination, offset, length, timeout);
            } catch (IOException e) {
                throw failed(e);
            }
            if (n > 0) {
                consumed(n);
            }
            return n;
        }

        @Override
        public int available() {
            return stream.available();
        }
    }

    /** Writes as DATA on the stream; each write goes out before it returns. */
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
                    output.writeData(stream, bytes, offset, length, false);
                } catch (SocketTimeoutException e) {
                    // The peer kept its window shut past the write timeout: as a late write closes a connection
                    // over HTTP/1.1, the stream is reset, which ends the reads on it too.
                    abort();
                    throw e;
                } catch (IOException e) {
                    throw failed(e);
                }
            }
        }
    }
}
