package dev.wisp.client;

import java.io.IOException;

/**
 * A call failed; the subclass names what failed, and the message says where (host, port, which limit or
 * timeout). Every failure the client reports is one of these, so a caller can tell a DNS failure from a refused
 * connection, a certificate problem, a broken response or a timeout without reading messages.
 */
public abstract sealed class HttpCallException extends IOException permits UnresolvedHostException,
        ConnectRefusedException, ConnectFailedException, TlsHandshakeException, ResponseProtocolException,
        TimeoutExceededException, ConnectionClosedException, CallCanceledException, RequestQueueFullException,
        WebSocketRefusedException, WebSocketNeedsTunnelException, TooManyRedirectsException, RedirectRefusedException,
        RequestTooLargeException, EventSourceRefusedException {

    HttpCallException(String message, Throwable cause) {
        super(message, cause);
    }
}
