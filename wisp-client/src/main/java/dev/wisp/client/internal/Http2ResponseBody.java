package dev.wisp.client.internal;

import dev.wisp.core.BodyInputStream;
import dev.wisp.core.Headers;
import java.io.IOException;

/**
 * The content of a response on an HTTP/2 stream, as the connection's reading thread buffers it: each read waits at
 * most the exchange's read timeout (or until the call's deadline), and gives its bytes back to the server as
 * flow-control credit. The trailers are there once it is finished.
 *
 * <p>Not thread-safe: one thread reads it.
 */
final class Http2ResponseBody extends BodyInputStream {
    private final Http2Exchange exchange;
    private final Http2ClientConnection connection;
    private final Http2ClientStream stream;

    Http2ResponseBody(Http2Exchange exchange, Http2ClientConnection connection, Http2ClientStream stream) {
        this.exchange = exchange;
        this.connection = connection;
        this.stream = stream;
    }

    @Override
    public int read(byte[] destination, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        int n = stream.read(destination, offset, length, exchange.waitNanos());
        if (n > 0) {
            connection.consumed(stream, n);
        }
        return n;
    }

    @Override
    public int available() {
        return stream.available();
    }

    @Override
    public long length() {
        return stream.declaredLength();
    }

    @Override
    public Headers trailers() {
        return stream.trailers();
    }

    @Override
    public boolean isFinished() {
        return stream.isInboundFinished();
    }
}
