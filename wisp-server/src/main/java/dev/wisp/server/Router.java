package dev.wisp.server;

import dev.wisp.core.HeaderNames;
import dev.wisp.core.Method;
import dev.wisp.core.RequestTarget;
import dev.wisp.core.Status;
import dev.wisp.websocket.WebSocketConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Maps method and path to a {@link Handler}, like esp_http_server's URI handlers. Routes are tried in the order
 * they were added; the first whose method and pattern match wins. When no pattern matches, 404; when patterns
 * match but not for this method, 405 with Allow. HEAD is served by the GET route unless a HEAD route exists
 * (the body is dropped); OPTIONS is answered with Allow unless an OPTIONS route exists, and {@code OPTIONS *}
 * with every method the router serves.
 *
 * <p>Immutable and thread-safe; build one with {@link #builder()}.
 */
public final class Router {
    /** A route, with the match it makes when its pattern has no parameters, made once instead of per request. */
    private record Route(Method method, PathPattern pattern, Handler handler, RouteMatch withoutParameters) {
        Route(Method method, PathPattern pattern, Handler handler) {
            this(method, pattern, handler, new RouteMatch(handler, Map.of()));
        }

        /** Whether the route takes the method: its own, or, for {@link Builder#any}'s null, any extension method. */
        boolean takes(Method requested) {
            return method == null ? !STANDARD_METHODS.contains(requested) : method.equals(requested);
        }

        RouteMatch match(Map<String, String> parameters) {
            return parameters.isEmpty() ? withoutParameters : new RouteMatch(handler, parameters);
        }
    }

    /** RFC 9110's methods and PATCH; any other is an extension method (WebDAV's PROPFIND, a cache's PURGE). */
    private static final Set<Method> STANDARD_METHODS = Set.of(Method.GET, Method.HEAD, Method.POST, Method.PUT,
            Method.DELETE, Method.CONNECT, Method.OPTIONS, Method.TRACE, Method.PATCH);

    private final List<Route> routes;
    private final String allMethods;
    private final RouterFallbacks fallbacks;

    private Router(List<Route> routes, RouterFallbacks fallbacks) {
        this.routes = List.copyOf(routes);
        this.fallbacks = fallbacks;
        Set<String> methods = new LinkedHashSet<>();
        for (Route route : routes) {
            addWithImplied(methods, route.method);
        }
        methods.add(Method.OPTIONS.name());
        this.allMethods = String.join(", ", methods);
    }

    /** The timers of the WebSocket routes, so the server's sweeper ticks often enough for them. */
    List<Duration> webSocketTimers() {
        List<Duration> timers = new ArrayList<>();
        for (Route route : routes) {
            if (route.handler instanceof WebSocketRoute webSocket) {
                WebSocketConfig config = webSocket.config();
                timers.add(config.closeTimeout());
                timers.add(config.pongTimeout());
                if (config.pingInterval().isPositive()) {
                    timers.add(config.pingInterval());
                }
            }
        }
        return timers;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Finds the handler for a request; never {@code null}, since 404, 405 and OPTIONS have handlers too. */
    public RouteMatch resolve(Method method, RequestTarget target) {
        if (target.form() == RequestTarget.Form.ASTERISK) {
            return new RouteMatch(allowHandler(allMethods, Status.NO_CONTENT), Map.of());
        }
        if (target.form() == RequestTarget.Form.AUTHORITY) {
            return new RouteMatch(errorHandler(Status.NOT_IMPLEMENTED, method + " is not supported"), Map.of());
        }
        List<String> segments = target.segments();
        Set<String> allowed = null;
        RouteMatch headFallback = null;
        for (Route route : routes) {
            Map<String, String> parameters = route.pattern.match(segments);
            if (parameters == null) {
                continue;
            }
            if (route.takes(method)) {
                return route.match(parameters);
            }
            if (headFallback == null && method.equals(Method.HEAD) && Method.GET.equals(route.method)) {
                headFallback = route.match(parameters);
            }
            if (allowed == null) {
                allowed = new LinkedHashSet<>();
            }
            addWithImplied(allowed, route.method);
        }
        if (headFallback != null) {
            return headFallback;
        }
        if (allowed == null) {
            return new RouteMatch(fallbacks.notFound(), Map.of());
        }
        allowed.add(Method.OPTIONS.name());
        String allow = String.join(", ", allowed);
        if (method.equals(Method.OPTIONS)) {
            return new RouteMatch(allowHandler(allow, Status.NO_CONTENT), Map.of());
        }
        return new RouteMatch(fallbacks.methodNotAllowed(allow), Map.of());
    }

    private static void addWithImplied(Set<String> methods, Method method) {
        if (method == null) {
            return; // extension methods: an open set, which Allow cannot list
        }
        methods.add(method.name());
        if (method.equals(Method.GET)) {
            methods.add(Method.HEAD.name());
        }
    }

    private static Handler allowHandler(String allow, Status status) {
        return (request, response) -> {
            response.status(status).header(HeaderNames.ALLOW, allow);
            response.send();
        };
    }

    private static Handler errorHandler(Status status, String message) {
        return (request, response) -> response.status(status).send(message + "\n");
    }

    /** Collects routes; not thread-safe. */
    public static final class Builder {
        private final List<Route> routes = new ArrayList<>();
        private Handler notFound = RouterFallbacks.NOT_FOUND;
        private Handler methodNotAllowed = RouterFallbacks.METHOD_NOT_ALLOWED;

        private Builder() {
        }

        /**
         * Adds a route.
         *
         * @throws IllegalArgumentException if the pattern is malformed, or a route added before has the same method
         *     and a pattern that matches all of this one's paths ({@code /users/{id}} before {@code /users/me}): the
         *     first would answer every request, and this one never
         */
        public Builder route(Method method, String pattern, Handler handler) {
            Route route = new Route(Objects.requireNonNull(method, "method"), PathPattern.parse(pattern),
                    Objects.requireNonNull(handler, "handler"));
            Route earlier = shadowing(method, route.pattern);
            if (earlier != null) {
                throw new IllegalArgumentException("route " + method + " " + pattern + " would never be reached: "
                        + method + " " + earlier.pattern + " was added before it and matches all of its paths;"
                        + " add the more specific route first");
            }
            routes.add(route);
            return this;
        }

        public Builder get(String pattern, Handler handler) {
            return route(Method.GET, pattern, handler);
        }

        public Builder post(String pattern, Handler handler) {
            return route(Method.POST, pattern, handler);
        }

        public Builder put(String pattern, Handler handler) {
            return route(Method.PUT, pattern, handler);
        }

        public Builder delete(String pattern, Handler handler) {
            return route(Method.DELETE, pattern, handler);
        }

        public Builder patch(String pattern, Handler handler) {
            return route(Method.PATCH, pattern, handler);
        }

        /**
         * Adds the handler for GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS and TRACE on the pattern, and for every
         * extension method (WebDAV's PROPFIND and MKCOL, a cache's PURGE, QUERY: methods are an open set, RFC 9110
         * §9.1), but for the methods a route added before already takes there: {@code webSocket("/api/*", ...)} then
         * {@code any("/api/*", api)} leaves GET to the WebSocket route and gives the other methods to {@code api}.
         * CONNECT is not among them.
         */
        public Builder any(String pattern, Handler handler) {
            PathPattern parsed = PathPattern.parse(pattern);
            for (Method method : List.of(Method.GET, Method.HEAD, Method.POST, Method.PUT, Method.DELETE,
                    Method.PATCH, Method.OPTIONS, Method.TRACE)) {
                if (shadowing(method, parsed) == null) {
                    route(method, pattern, handler);
                }
            }
            if (shadowing(null, parsed) == null) {
                routes.add(new Route(null, parsed, Objects.requireNonNull(handler, "handler")));
            }
            return this;
        }

        /**
         * The route added before that takes this method on the paths the pattern matches, or null; a null method
         * stands for the extension methods.
         */
        private Route shadowing(Method method, PathPattern pattern) {
            for (Route earlier : routes) {
                if (Objects.equals(earlier.method, method) && earlier.pattern.matchesAllOf(pattern)) {
                    return earlier;
                }
            }
            return null;
        }

        /**
         * Answers requests no route's pattern matches. The handler runs with the status already 404; it may send
         * a body of its own, or change the status (to redirect, say).
         */
        public Builder notFound(Handler handler) {
            notFound = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /**
         * Answers requests whose path matches routes of other methods only. The handler runs with the status
         * already 405 and the Allow header set; OPTIONS requests are still answered with Allow and 204.
         */
        public Builder methodNotAllowed(Handler handler) {
            methodNotAllowed = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /**
         * Adds a WebSocket endpoint (RFC 6455) on GET: an upgrade request that passes the handshake checks and the
         * config's origin allow-list goes to the handler, which returns the connection's listener; any other
         * request to the pattern gets the error {@link WebSocketRoute} describes. Over HTTPS it is wss. With HTTP/2 on,
         * the same route serves WebSockets over HTTP/2 too (RFC 8441's extended CONNECT, which browsers use).
         *
         * @throws IllegalArgumentException if the pattern is malformed
         */
        public Builder webSocket(String pattern, WebSocketConfig config, WebSocketHandler handler) {
            return route(Method.GET, pattern, new WebSocketRoute(Objects.requireNonNull(config, "config"),
                    Objects.requireNonNull(handler, "handler"), null, null));
        }

        /**
         * Adds a WebSocket endpoint that shares its path with plain HTTP: a request that does not ask for a WebSocket
         * (no {@code Upgrade: websocket}, no extended CONNECT) goes to {@code otherRequests}, as it would on a route of
         * its own; one that asks for a WebSocket is opened or refused as {@link #webSocket} says. For a reverse
         * proxy's prefix, or an API whose resources also stream over WebSocket.
         *
         * @throws IllegalArgumentException if the pattern is malformed
         */
        public Builder webSocket(String pattern, WebSocketConfig config, WebSocketHandler handler,
                Handler otherRequests) {
            return route(Method.GET, pattern, new WebSocketRoute(Objects.requireNonNull(config, "config"),
                    Objects.requireNonNull(handler, "handler"), null,
                    Objects.requireNonNull(otherRequests, "otherRequests")));
        }

        /**
         * Adds a WebSocket endpoint served with blocking calls on the connection's virtual thread; otherwise as
         * {@link #webSocket}.
         */
        public Builder blockingWebSocket(String pattern, WebSocketConfig config, BlockingWebSocketHandler handler) {
            return route(Method.GET, pattern, new WebSocketRoute(Objects.requireNonNull(config, "config"), null,
                    Objects.requireNonNull(handler, "handler"), null));
        }

        public Router build() {
            return new Router(routes, new RouterFallbacks(notFound, methodNotAllowed));
        }
    }
}
