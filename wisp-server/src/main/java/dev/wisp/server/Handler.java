package dev.wisp.server;

import java.io.IOException;

/**
 * Answers one request. Handlers are blocking and protocol-neutral: the same handler runs over HTTP/1.1 and, later,
 * HTTP/2, each call on the virtual thread of its exchange. A handler that returns without sending anything
 * sends the response as it stands (200 and no content, unless it set otherwise).
 *
 * <p>An exception thrown by a handler becomes a 500 response, or, if it is an
 * {@link dev.wisp.core.HttpProtocolException} (a body over its limit, say), that exception's status; it is logged,
 * and its stack trace never reaches the wire. If part of the response already reached the wire, it is cut short
 * and the connection closed.
 */
@FunctionalInterface
public interface Handler {
    void handle(ServerRequest request, ServerResponse response) throws IOException;
}
