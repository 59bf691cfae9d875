package dev.wisp.server;

import dev.wisp.core.Headers;
import dev.wisp.core.Status;
import java.util.Objects;

/**
 * A request the server answered with an error before it could make a {@link ServerRequest} of it, and so before any
 * filter or handler: over HTTP/1.1 a request head it could not read or that crossed a limit (400, 414, 431, 505) or
 * that did not arrive within the header timeout (408); over HTTP/2 a request past a limit (431, 414). Every filter is
 * told of it ({@link Filter#refused}) once the answer is sent, so that an access log has a line for it, as nginx's and
 * Apache's have.
 *
 * @param connection the connection it came on
 * @param requestLine what arrived of the request line, as received (decoded as ISO-8859-1, at most the request line
 *     limit); over HTTP/2 the method and path and {@code HTTP/2}; empty if nothing of it was read, or if an HTTP/2
 *     header block could not be read
 * @param headers the request's header fields if they were read before the refusal (an HTTP/2 request past a limit),
 *     else empty
 * @param status the status the request was answered with
 * @param contentBytes how many bytes of content the answer had
 * @param nanos from the request's first byte to the end of the answer
 */
public record RefusedRequest(ConnectionInfo connection, String requestLine, Headers headers, Status status,
        long contentBytes, long nanos) {
    public RefusedRequest {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(requestLine, "requestLine");
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(status, "status");
    }
}
