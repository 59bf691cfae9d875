package dev.wisp.server.internal;

import static java.lang.System.Logger.Level.DEBUG;

import dev.wisp.http2.ErrorCode;
import dev.wisp.http2.Http2Output;
import dev.wisp.transport.Transport;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * The last writes of an HTTP/2 server connection (its GOAWAY, the end of its output), which must not wait long for a
 * writer blocked on a client that stopped reading: a handler's response that fills the socket holds the output up to
 * the write timeout, and a connection that had decided to end (a connection error, the client's end of the stream)
 * stayed open that long. Such a writer is given {@link #ENDING} to let go of the output; past it, the transport
 * closes, which fails its write, and the connection closes without its GOAWAY. The server's graceful stop waits
 * instead ({@link #GRACEFUL}): the connection goes on serving the streams it has, a writer that holds the output
 * is answering one of them, and the stop's grace period bounds the wait.
 */
final class Http2LastWrites {
    private static final System.Logger LOG = System.getLogger(Http2LastWrites.class.getName());
    /** How long a connection that ends waits for a writer that holds its output. */
    static final long ENDING = TimeUnit.SECONDS.toNanos(1);
    /** As long as a writer holds the output: for a GOAWAY after which the connection goes on. */
    static final long GRACEFUL = Long.MAX_VALUE;

    private Http2LastWrites() {
    }

    /**
     * Sends GOAWAY, waiting for the output no longer than this; when it cannot go out, a connection that ends
     * closes its transport, as nothing more will go out either.
     */
    static void goAway(Http2Output output, Transport transport, int lastStreamId, ErrorCode code, String debug,
            long patienceNanos) {
        String text = code.equals(ErrorCode.NO_ERROR) ? null : debug;
        boolean sent = patienceNanos == GRACEFUL ? output.goAway(lastStreamId, code, text)
                : output.goAway(lastStreamId, code, text, patienceNanos);
        if (!sent && patienceNanos != GRACEFUL) {
            close(transport);
        }
    }

    /** Ends the output, waking every writer; first closes the transport if a writer holds the output too long. */
    static void end(Http2Output output, Transport transport, String reason) {
        if (!output.tryEnd(reason, ENDING)) {
            close(transport); // fails the blocked write, which lets go of the output
            output.end(reason);
        }
    }

    private static void close(Transport transport) {
        try {
            transport.close();
        } catch (IOException e) {
            LOG.log(DEBUG, () -> "closing a connection whose output is held: " + e);
        }
    }
}
