package dev.wisp.proxy;

import java.io.IOException;
import java.io.InputStream;

/**
 * The request body as the upstream call reads it, keeping the failure of a read, so that the proxy answers for the
 * client's own fault (a malformed chunk, a body over the server's limit, a client gone) rather than blame the
 * upstream with a 502.
 */
final class DownstreamBody extends InputStream {
    private final InputStream body;
    private volatile IOException failure;
    private volatile boolean read;

    DownstreamBody(InputStream body) {
        this.body = body;
    }

    /** Whether anything was read: a body read even in part cannot be sent to another upstream. */
    boolean wasRead() {
        return read;
    }

    /** Why reading the client's body failed, or null if it did not. */
    IOException failure() {
        return failure;
    }

    @Override
    public int read() throws IOException {
        read = true;
        try {
            return body.read();
        } catch (IOException e) {
            failure = e;
            throw e;
        }
    }

    @Override
    public int read(byte[] destination, int offset, int length) throws IOException {
        read = true;
        try {
            return body.read(destination, offset, length);
        } catch (IOException e) {
            failure = e;
            throw e;
        }
    }

    @Override
    public void close() {
        // The server owns the request body; the call closing its copy must not end the exchange's stream.
    }
}
