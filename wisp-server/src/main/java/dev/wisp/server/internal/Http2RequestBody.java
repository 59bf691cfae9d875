package dev.wisp.server.internal;

import dev.wisp.core.BodyInputStream;
import dev.wisp.core.Headers;
import dev.wisp.core.MessageTooLargeException;
import dev.wisp.core.Status;
import java.io.IOException;
import java.util.Objects;

/**
 * The body of a request on an HTTP/2 stream, as the handler reads it: the content of the stream's DATA frames. What
 * it reads goes back to the client as flow-control credit, so the client sends on as the handler keeps up. A read
 * that waits longer than the read timeout for DATA fails with {@link RequestBodyTimeoutException} (a 408); reading
 * past the server's body limit is a 413.
 *
 * <p>Used by the exchange's thread only.
 */
final class Http2RequestBody extends BodyInputStream {
    private final Http2ServerConnection connection;
    private final Http2ServerStream stream;
    private final long maxBodyBytes;
    private final long readTimeoutNanos;
    private long read;
    private boolean finished;

    Http2RequestBody(Http2ServerConnection connection, Http2ServerStream stream, long maxBodyBytes,
            long readTimeoutNanos) {
        this.connection = connection;
        this.stream = stream;
        this.maxBodyBytes = maxBodyBytes;
        this.readTimeoutNanos = readTimeoutNanos;
    }

    @Override
    public int read(byte[] destination, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, destination.length);
        if (finished) {
            return -1;
        }
        if (length == 0) {
            return 0;
        }
        int n = stream.read(destination, offset, length, readTimeoutNanos);
        if (n < 0) {
            finished = true;
            return -1;
        }
        read += n;
        connection.consumed(stream, n);
        if (read > maxBodyBytes) {
            throw new MessageTooLargeException(Status.CONTENT_TOO_LARGE, "request body", maxBodyBytes,
                    "maxRequestBodyBytes");
        }
        return n;
    }

    @Override
    public long length() {
        return stream.declaredLength();
    }

    @Override
    public Headers trailers() {
        return finished ? stream.trailers() : Headers.empty();
    }

    @Override
    public boolean isFinished() {
        return finished || stream.isRequestFinished();
    }
}
