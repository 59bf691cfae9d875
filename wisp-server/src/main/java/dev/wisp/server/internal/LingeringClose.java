package dev.wisp.server.internal;

import static java.lang.System.Logger.Level.DEBUG;

import dev.wisp.transport.Transport;
import java.io.IOException;

/**
 * The end of a connection that answered before it read the whole request: a 413 for a declared body over the
 * limit, a malformed head, a handler that did not read a large upload. Closing such a socket at once, with request
 * bytes unread in its receive buffer or still arriving, makes the kernel send a reset, and the reset can destroy
 * the answer before the client reads it: a client that sends its whole body before reading gets "connection reset"
 * instead of the 413. So, as nginx's {@code lingering_close} does: flush the answer, half-close (the client reads
 * the answer and the end of the stream), read and drop what the client still sends until it closes its side, for
 * at most {@code lingerTimeout} and {@code maxLingerBytes}; then the connection closes.
 *
 * <p>Runs on the connection's thread. The time limit is a read deadline, which the sweeper enforces
 * by shutting the input, as for every other read.
 */
final class LingeringClose {
    private static final System.Logger LOG = System.getLogger(LingeringClose.class.getName());
    private static final int SCRATCH_BYTES = 4096;

    private LingeringClose() {
    }

    /** Lets the peer read what was sent before the close, on the connection's thread, within the server's limits. */
    static void linger(ServerConnection connection) {
        Transport transport = connection.transport;
        if (connection.isTimedOut() || transport.hasInputEnded()) {
            return; // the input is shut or ended already: nothing can arrive to cause a reset
        }
        String outcome = linger(transport, connection.context.config().lingerTimeout().toNanos(),
                connection.context.config().maxLingerBytes());
        LOG.log(DEBUG, () -> "[c" + connection.id() + "] " + outcome);
    }

    /**
     * Half-closes (under TLS after a close_notify) and gives the peer {@code lingerTimeout} to close its side; the
     * reading meanwhile is the protocol's. Any thread may call it.
     */
    static void halfClose(ServerConnection connection) {
        try {
            connection.transport.readDeadline(System.nanoTime()
                    + connection.context.config().lingerTimeout().toNanos());
            connection.transport.shutdownOutput();
        } catch (IOException e) {
            connection.abort("half-close failed");
        }
    }

    /**
     * Half-closes the transport (under TLS, after a close_notify) and drains its input within the limits; returns
     * when the peer has closed its side or a limit is reached. The caller then closes the transport.
     *
     * @return why the lingering ended, to report with the connection's close
     */
    static String linger(Transport transport, long timeoutNanos, long maxBytes) {
        try {
            transport.shutdownOutput();
            transport.readDeadline(System.nanoTime() + timeoutNanos);
            // Reads into the scratch below hold nothing more, so a heap nearly full must not fail them: the answer
            // they let through is mostly the 503 that says so (an upload cut off while the server sheds load).
            transport.shedUnderHeapPressure(false);
            var input = transport.input();
            byte[] scratch = new byte[SCRATCH_BYTES];
            long dropped = 0;
            for (int n; (n = input.read(scratch, 0, scratch.length)) >= 0; ) {
                dropped += n;
                if (dropped > maxBytes) {
                    return "lingered: more than " + maxBytes + " bytes (maxLingerBytes)";
                }
            }
            return "lingered: " + dropped + " bytes dropped";
        } catch (IOException e) {
            return "lingered: " + e.getMessage();
        }
    }
}
