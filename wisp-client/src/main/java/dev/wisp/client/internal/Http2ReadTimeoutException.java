package dev.wisp.client.internal;

import java.io.IOException;

/** Nothing arrived on an HTTP/2 stream within the wait its exchange allowed: the read timeout, or the call's end. */
final class Http2ReadTimeoutException extends IOException {
    Http2ReadTimeoutException() {
        super("no response data within the time allowed");
    }
}
