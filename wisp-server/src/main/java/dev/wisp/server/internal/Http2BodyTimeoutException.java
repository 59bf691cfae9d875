package dev.wisp.server.internal;

import java.io.IOException;

/** Thrown to a handler whose read of an HTTP/2 request body waited longer than the read timeout for DATA. */
final class Http2BodyTimeoutException extends IOException {
    Http2BodyTimeoutException(int streamId) {
        super("no request content on HTTP/2 stream " + streamId + " within the read timeout");
    }
}
