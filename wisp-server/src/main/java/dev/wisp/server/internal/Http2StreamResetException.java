package dev.wisp.server.internal;

import dev.wisp.http2.ErrorCode;
import java.io.IOException;

/**
 * Thrown to a handler that reads or writes a stream that was reset: by the client (it cancelled the request), or by
 * the server (the request broke a rule, or the connection is ending). The exchange ends without an answer, since
 * none can go out on a reset stream.
 */
final class Http2StreamResetException extends IOException {
    Http2StreamResetException(int streamId, ErrorCode code, boolean byPeer) {
        super("HTTP/2 stream " + streamId + " was reset by the " + (byPeer ? "client" : "server") + ": " + code);
    }
}
