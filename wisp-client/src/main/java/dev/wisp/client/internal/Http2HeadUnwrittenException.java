package dev.wisp.client.internal;

import java.io.IOException;

/**
 * A request head that an HTTP/2 connection failed to write after its stream took an id: the server ended the
 * connection. Whether the server processed the request is for its GOAWAY to say, which the reading thread may not
 * have reached yet; the caller asks {@link Http2ClientConnection#unprocessedPerGoAway} once it holds no lock, since
 * that waits for the reading thread.
 */
final class Http2HeadUnwrittenException extends IOException {
    private final int streamId;
    private final IOException failure;

    Http2HeadUnwrittenException(int streamId, IOException failure) {
        super(failure.getMessage(), failure);
        this.streamId = streamId;
        this.failure = failure;
    }

    int streamId() {
        return streamId;
    }

    /** The write's own failure: what the call gets unless the GOAWAY left the stream out. */
    IOException failure() {
        return failure;
    }
}
