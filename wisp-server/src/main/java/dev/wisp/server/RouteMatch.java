package dev.wisp.server;

import java.util.Map;
import java.util.Objects;

/**
 * The handler a {@link Router} chose for a request, with the path parameters of the matched pattern.
 *
 * @param handler the handler to run: a route's, or the router's own for 404, 405 and OPTIONS
 * @param pathParameters the pattern's parameters; empty when none
 */
public record RouteMatch(Handler handler, Map<String, String> pathParameters) {
    public RouteMatch {
        Objects.requireNonNull(handler, "handler");
        pathParameters = Map.copyOf(pathParameters);
    }
}
