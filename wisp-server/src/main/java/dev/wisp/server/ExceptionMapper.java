package dev.wisp.server;

import java.io.IOException;

/**
 * Turns an exception a handler threw into a response, in place of the server's own answer (500 with a short body,
 * or the status of an {@link dev.wisp.core.HttpProtocolException}). Registered per exception class with
 * {@link HttpService.Builder#exceptionMapper}.
 *
 * <p>It runs only when the response is not committed yet. The status is already set to the server's own answer
 * (500, or the protocol exception's status) and the headers describing the failed content (Content-Type,
 * Content-Length, Content-Encoding, Content-Range, ETag, Last-Modified, Cache-Control, Expires,
 * Content-Disposition, Content-Language, Content-Location) are removed, so a mapper that only sends a body keeps
 * the server's status, and a mapper's answer is not cached or presented as the content would have been.
 *
 * @param <T> the exception class handled
 */
@FunctionalInterface
public interface ExceptionMapper<T extends Throwable> {
    void handle(T exception, ServerRequest request, ServerResponse response) throws IOException;
}
