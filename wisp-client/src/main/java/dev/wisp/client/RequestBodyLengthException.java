package dev.wisp.client;

/**
 * The request body did not match the length declared for it (a {@link dev.wisp.core.Body}'s length, or the one given
 * to {@link Client#open(Request, long)}): more bytes were written than declared, or fewer when it ended. The body is
 * at fault, not the network, so the call is never retried; the request is abandoned as the protocol allows (over
 * HTTP/1.1 its connection closes, since the server would read the next bytes as the rest of the body; over HTTP/2 its
 * stream is reset and the connection goes on serving other calls). OkHttp reports the same as a
 * {@code ProtocolException}.
 */
public final class RequestBodyLengthException extends HttpCallException {
    private final long declaredLength;

    public RequestBodyLengthException(String message, long declaredLength) {
        super(message, null);
        this.declaredLength = declaredLength;
    }

    /** The length the body was declared to have, in bytes. */
    public long declaredLength() {
        return declaredLength;
    }
}
