package dev.wisp.http2;

import java.util.concurrent.TimeUnit;

/**
 * The last writes of an HTTP/2 connection, server's or client's (its GOAWAY, the end of its output), which must not
 * wait long for a writer blocked on a peer that stopped reading: a stream's write that fills the socket holds the
 * output up to the write timeout, and a connection that had decided to end (a connection error, the peer's end of the
 * stream) stayed open that long. Such a writer is given {@link #ENDING} to let go of the output; past it, the
 * connection closes, which fails its write, and ends without its GOAWAY. A GOAWAY after which the connection goes
 * on waits instead ({@link #GRACEFUL}): a writer that holds the output is answering one of its streams.
 */
public final class LastWrites {
    /** How long a connection that ends waits for a writer that holds its output. */
    public static final long ENDING = TimeUnit.SECONDS.toNanos(1);
    /** As long as a writer holds the output: for a GOAWAY after which the connection goes on. */
    public static final long GRACEFUL = Long.MAX_VALUE;

    private LastWrites() {
    }

    /**
     * Sends GOAWAY, with its debug text only for an error, waiting for the output no longer than this; when it
     * cannot go out, a connection that ends is closed, as nothing more will go out either.
     *
     * @return whether it was sent
     */
    public static boolean goAway(Http2Output output, AutoCloseable connection, int lastStreamId, ErrorCode code,
            String debug, long patienceNanos) {
        String text = code.equals(ErrorCode.NO_ERROR) ? null : debug;
        boolean sent = patienceNanos == GRACEFUL ? output.goAway(lastStreamId, code, text)
                : output.goAway(lastStreamId, code, text, patienceNanos);
        if (!sent && patienceNanos != GRACEFUL) {
            close(connection);
        }
        return sent;
    }

    /** Ends the output, waking every writer; first closes the connection if a writer holds the output too long. */
    public static void end(Http2Output output, AutoCloseable connection, String reason) {
        if (!output.tryEnd(reason, ENDING)) {
            close(connection); // fails the blocked write, which lets go of the output
            output.end(reason);
        }
    }

    private static void close(AutoCloseable connection) {
        try {
            connection.close();
        } catch (Exception e) {
            // closing a connection whose output is held: it ends either way, and its reading side reports why
        }
    }
}
