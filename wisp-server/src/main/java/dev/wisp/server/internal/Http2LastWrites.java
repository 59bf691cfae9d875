package dev.wisp.server.internal;

import dev.wisp.http2.ErrorCode;
import dev.wisp.http2.Http2Output;
import dev.wisp.http2.LastWrites;
import dev.wisp.transport.Transport;

/**
 * The last writes of an HTTP/2 server connection, as the client's go: see {@link LastWrites}. The server's graceful
 * stop waits for a writer that holds the output ({@link #GRACEFUL}), and its grace period bounds the wait.
 */
final class Http2LastWrites {
    /** How long a connection that ends waits for a writer that holds its output. */
    static final long ENDING = LastWrites.ENDING;
    /** As long as a writer holds the output: for a GOAWAY after which the connection goes on. */
    static final long GRACEFUL = LastWrites.GRACEFUL;

    private Http2LastWrites() {
    }

    static void goAway(Http2Output output, Transport transport, int lastStreamId, ErrorCode code, String debug,
            long patienceNanos) {
        LastWrites.goAway(output, transport, lastStreamId, code, debug, patienceNanos);
    }

    static void end(Http2Output output, Transport transport, String reason) {
        LastWrites.end(output, transport, reason);
    }
}
