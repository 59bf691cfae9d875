package dev.wisp.server;

import java.io.IOException;

/**
 * Runs around every exchange of an {@link HttpService}: it sees the request before the route's handler runs and the
 * response after it, and may answer on its own (not calling {@code next}), change headers, or pass wrapped streams
 * on (see {@link ForwardingServerRequest} and {@link ForwardingServerResponse}). Filters are protocol-neutral, as
 * handlers are.
 *
 * <pre>{@code
 * Filter timing = (request, response, next) -> {
 *     long start = System.nanoTime();
 *     next.handle(request, response);
 *     System.out.println(response.status() + " in " + (System.nanoTime() - start) / 1000 + " us");
 * };
 * }</pre>
 *
 * <p>When {@code next} returns, the response as the client gets it is known: a handler's exception was already turned
 * into its error response, the router's 404 and 405 and the server's own refusals (a 413 for a declared length, a
 * 400 for a body whose framing is refused) went through {@code next} like any route. Only a failure after the
 * response was committed, or an I/O failure of the connection, comes out of {@code next} as an exception.
 *
 * <p>A request the server refuses before it has a request to filter (a head it cannot read, one over its limits, one
 * not sent in time) reaches no filter's {@code filter}; each filter is told of it by {@link #refused} instead.
 */
@FunctionalInterface
public interface Filter {
    /**
     * Handles one exchange, usually by calling {@code next.handle(request, response)} once.
     *
     * @param next the filters after this one and then the route's handler
     */
    void filter(ServerRequest request, ServerResponse response, Handler next) throws IOException;

    /**
     * Told of a request the server answered with an error before it could filter it, once the answer was sent; on
     * the connection's thread, and it must not block. Does nothing unless overridden; {@link
     * dev.wisp.server.filters.AccessLog} logs it. An exception it throws is logged and goes no further.
     */
    default void refused(RefusedRequest request) {
    }

    /**
     * Whether the filter runs on a plaintext port that answers every request with a redirect to HTTPS
     * ({@link ServerConfig.Builder#redirectToHttps}): yes unless overridden, so that an access log, a request id and
     * the like see the redirects too. A filter that may answer in their place must say no, above all one that asks
     * for credentials, which a client would then send in clear text ({@link dev.wisp.server.filters.BasicAuth}).
     */
    default boolean runsBeforeHttpsRedirect() {
        return true;
    }
}
