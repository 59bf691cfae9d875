package dev.wisp.server;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.WARNING;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a server does with a request once its head is read: the {@link Filter}s, in the order added (the
 * first added is the outermost), around the {@link Router}'s choice of handler, with the exception mappers
 * that turn a handler's failure into a response.
 *
 * <pre>{@code
 * HttpService service = HttpService.builder(router)
 *         .filter(AccessLog.create())
 *         .exceptionMapper(NoSuchElementException.class,
 *                 (e, request, response) -> response.status(Status.NOT_FOUND).send("no such item\n"))
 *         .build();
 * Server server = Server.create(config, service).start();
 * }</pre>
 *
 * <p>The filters see every exchange whose request head was read, answered by a route or not: the router's 404,
 * 405 and OPTIONS answers, and the server's own refusals of a request it read (a declared body over
 * {@code maxRequestBodyBytes}, a body framing it refuses, an expectation it cannot meet). Requests the codec cannot
 * read at all (a malformed head, a head over its limits) have no request to filter; they are answered without the
 * filters, which are then told of them ({@link #refused}).
 *
 * <p>Immutable and thread-safe.
 */
public final class HttpService {
    private static final System.Logger LOG = System.getLogger(HttpService.class.getName());
    private final Router router;
    private final List<Filter> filters;
    private final Map<Class<? extends Throwable>, ExceptionMapper<?>> exceptionMappers;
    /** Whether a filter's failure on a refused request was logged as a warning already. */
    private volatile boolean refusalFailureTold;

    private HttpService(Builder builder) {
        this.router = builder.router;
        this.filters = List.copyOf(builder.filters);
        this.exceptionMappers = new LinkedHashMap<>(builder.exceptionMappers);
    }

    /** A service of the router alone: no filters, the server's own error answers. */
    public static HttpService of(Router router) {
        return builder(router).build();
    }

    public static Builder builder(Router router) {
        return new Builder(router);
    }

    /**
     * This service for a plaintext port that redirects every request to HTTPS: the redirecting router, behind the
     * filters that run before such a redirect ({@link Filter#runsBeforeHttpsRedirect}), with the same mappers.
     */
    public HttpService forHttpsRedirects(Router redirects) {
        Builder builder = toBuilder().router(redirects);
        builder.filters.removeIf(filter -> !filter.runsBeforeHttpsRedirect());
        return builder.build();
    }

    public Builder toBuilder() {
        Builder builder = new Builder(router);
        builder.filters.addAll(filters);
        builder.exceptionMappers.putAll(exceptionMappers);
        return builder;
    }

    public Router router() {
        return router;
    }

    public List<Filter> filters() {
        return filters;
    }

    /**
     * The handler behind this service's filters and exception mappers. A server calls it with the handler the
     * router chose, or with one that throws its refusal of the request, so that the filters see that answer too.
     */
    public Handler filtered(Handler handler) {
        Handler chain = new ErrorMapping(Objects.requireNonNull(handler, "handler"), exceptionMappers);
        for (int i = filters.size() - 1; i >= 0; i--) {
            Filter filter = filters.get(i);
            Handler next = chain;
            chain = (request, response) -> filter.filter(request, response, next);
        }
        return chain;
    }

    /**
     * Tells every filter, in order, of a request the server answered before it could filter it ({@link
     * Filter#refused}). A filter that fails is logged (the first time as a warning), and the others are told still.
     */
    public void refused(RefusedRequest request) {
        Objects.requireNonNull(request, "request");
        for (Filter filter : filters) {
            try {
                filter.refused(request);
            } catch (RuntimeException e) {
                // Once: refusals come at a client's pace, and a filter that fails on one likely fails on all.
                LOG.log(refusalFailureTold ? DEBUG : WARNING, "a filter failed on a refused request: " + filter, e);
                refusalFailureTold = true;
            }
        }
    }

    /** Collects filters and exception mappers; not thread-safe. */
    public static final class Builder {
        private Router router;
        private final List<Filter> filters = new ArrayList<>();
        private final Map<Class<? extends Throwable>, ExceptionMapper<?>> exceptionMappers = new LinkedHashMap<>();

        private Builder(Router router) {
            this.router = Objects.requireNonNull(router, "router");
        }

        /** Replaces the router. */
        public Builder router(Router router) {
            this.router = Objects.requireNonNull(router, "router");
            return this;
        }

        /** Adds a filter inside those added before it. */
        public Builder filter(Filter filter) {
            filters.add(Objects.requireNonNull(filter, "filter"));
            return this;
        }

        /**
         * Maps exceptions of this class, and of its subclasses that have no mapper of their own, to a response.
         * The mapper of the nearest superclass wins. A mapper for {@code Exception} (or {@code Throwable}) replaces
         * the server's 500 answer; one for {@link dev.wisp.core.HttpProtocolException} the answer to a body over
         * its limit, a request body not sent within the read timeout (408) or cut short (400), and the like. Other I/O
         * failures (a file that could not be read) are answered as other exceptions are, 500 or the nearest mapper's,
         * unless the client left: those belong to the connection and reach no mapper unless one is registered for
         * their class or a superclass.
         */
        public <T extends Throwable> Builder exceptionMapper(Class<T> type, ExceptionMapper<? super T> mapper) {
            exceptionMappers.put(Objects.requireNonNull(type, "type"), Objects.requireNonNull(mapper, "mapper"));
            return this;
        }

        public HttpService build() {
            return new HttpService(this);
        }
    }
}
