package dev.wisp.server;

import dev.wisp.core.HeaderNames;
import dev.wisp.core.Status;

/**
 * The answers of a {@link Router} when no route serves a request: 404, and 405 with Allow, each with the status set
 * before the application's handler (or the default one) writes the body, so a custom page keeps the semantics.
 *
 * @param notFoundBody writes the body of a 404
 * @param methodNotAllowedBody writes the body of a 405
 */
record RouterFallbacks(Handler notFoundBody, Handler methodNotAllowedBody) {
    static final Handler NOT_FOUND = (request, response) -> response.send("no route for " + request.path() + "\n");
    static final Handler METHOD_NOT_ALLOWED = (request, response) ->
            response.send(request.method() + " is not allowed for " + request.path() + "\n");

    Handler notFound() {
        return (request, response) -> {
            response.status(Status.NOT_FOUND);
            notFoundBody.handle(request, response);
        };
    }

    Handler methodNotAllowed(String allow) {
        return (request, response) -> {
            response.status(Status.METHOD_NOT_ALLOWED).setHeader(HeaderNames.ALLOW, allow);
            methodNotAllowedBody.handle(request, response);
        };
    }
}
