package dev.wisp.core;

import java.io.InputStream;

/**
 * Received content, read as a stream: a request body on a server, a response body on a client. The codec's
 * framing (fixed length, chunked, HTTP/2 DATA frames) is already removed; reading past the end returns -1.
 * Trailer fields, if the message had any, are known once the stream has returned -1.
 *
 * <p>Not thread-safe: one thread reads it, the one running the exchange.
 */
public abstract class BodyInputStream extends InputStream {
    /** The content length if the message stated it, else -1. */
    public abstract long length();

    /** The trailer fields; empty until the whole body has been read, and for messages without trailers. */
    public abstract Headers trailers();

    /** Whether the whole body has been read. */
    public abstract boolean isFinished();
}
