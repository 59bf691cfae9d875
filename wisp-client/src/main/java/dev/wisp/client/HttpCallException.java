package dev.wisp.client;

import dev.wisp.core.Ascii;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A call failed; the subclass names what failed, and the message says where (host, port, which limit or
 * timeout). Every failure the client reports is one of these, so a caller can tell a DNS failure from a refused
 * connection, a certificate problem, a broken response or a timeout without reading messages.
 */
public abstract sealed class HttpCallException extends IOException permits UnresolvedHostException,
        ConnectRefusedException, ConnectFailedException, TlsHandshakeException, ResponseProtocolException,
        TimeoutExceededException, ConnectionClosedException, CallCanceledException, RequestQueueFullException,
        WebSocketRefusedException, WebSocketNeedsTunnelException, RedirectNotFollowedException,
        RequestTooLargeException, EventSourceRefusedException, DownloadFailedException, ClientClosedException,
        RequestBodyLengthException, ResponseTooLargeException {

    HttpCallException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * The start of a refusal's body, for a message: escaped and cut as any peer text quoted in an error, so that a
     * hostile server cannot write control sequences to the terminal or log that shows it; empty for a blank body.
     */
    static String quoteBody(byte[] body) {
        String text = new String(body, 0, Math.min(body.length, 2 * Ascii.MAX_ECHO), StandardCharsets.UTF_8).strip();
        return text.isEmpty() ? "" : " (" + Ascii.escape(text) + ")";
    }
}
