package dev.wisp.core;

import java.io.IOException;
import java.io.InputStream;

/**
 * Received content, read as a stream: a request body on a server, a response body on a client. The codec's
 * framing (fixed length, chunked, HTTP/2 DATA frames) is already removed; reading past the end returns -1.
 * Trailer fields, if the message had any, are known once the stream has returned -1.
 *
 * <p>Not thread-safe: one thread reads it, the one running the exchange.
 */
public abstract class BodyInputStream extends InputStream {
    /** Reads one byte through {@link #read(byte[], int, int)}, for bodies that read in runs only. */
    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n;
        do {
            n = read(one, 0, 1);
        } while (n == 0);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public abstract int read(byte[] destination, int offset, int length) throws IOException;

    /** The content length if the message stated it, else -1. */
    public abstract long length();

    /**
     * The trailer fields; empty until the whole body has been read, and for messages without trailers. Fields no
     * trailer section may hold ({@link ProhibitedTrailerFields}) are not among them: they were dropped as read.
     */
    public abstract Headers trailers();

    /** Whether the whole body has been read. */
    public abstract boolean isFinished();

    /**
     * Whether the rest of the body, its framing included, is in memory already, so that reading it to its end
     * waits for nothing; false when that cannot be told cheaply. Never reads.
     */
    public boolean isRestBuffered() {
        return isFinished();
    }
}
