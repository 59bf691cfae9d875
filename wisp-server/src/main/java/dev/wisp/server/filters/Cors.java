package dev.wisp.server.filters;

import dev.wisp.core.Ascii;
import dev.wisp.core.HeaderNames;
import dev.wisp.core.Method;
import dev.wisp.core.OriginField;
import dev.wisp.core.Status;
import dev.wisp.server.Filter;
import dev.wisp.server.Handler;
import dev.wisp.server.ServerRequest;
import dev.wisp.server.ServerResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A {@link Filter} for cross-origin requests (the Fetch standard's CORS protocol) from an allow-list.
 *
 * <p>A preflight ({@code OPTIONS} with {@code Origin} and {@code Access-Control-Request-Method}) is answered here,
 * never by the routes: 204 with {@code Access-Control-Allow-Origin}, {@code -Methods}, {@code -Headers} (the
 * requested ones), {@code -Credentials} and {@code -Max-Age} when the origin, the method and every requested header
 * are allowed; 403 without them otherwise. An actual request from an allowed origin goes to the routes with
 * {@code Access-Control-Allow-Origin} (and {@code -Credentials}, {@code -Expose-Headers}) set, so error answers carry
 * them too; one from another origin goes on undecorated, for the browser to refuse. {@code Vary: Origin} is set on
 * every response whose headers depend on the origin. Methods compare exactly, origins and header names without case.
 *
 * <p>Immutable and thread-safe; build one with {@link #builder()}.
 */
public final class Cors implements Filter {
    private static final String ALLOW_ORIGIN = "Access-Control-Allow-Origin";
    private static final String ALLOW_CREDENTIALS = "Access-Control-Allow-Credentials";
    private static final String EXPOSE_HEADERS = "Access-Control-Expose-Headers";
    private static final String ALLOW_METHODS = "Access-Control-Allow-Methods";
    private static final String ALLOW_HEADERS = "Access-Control-Allow-Headers";
    private static final String MAX_AGE = "Access-Control-Max-Age";
    /**
     * The response fields of the CORS protocol, each of which the filter sets for itself. A browser refuses an answer
     * with two {@code Access-Control-Allow-Origin} fields: a handler behind this filter that relays another server's
     * answers (a reverse proxy) should leave that server's out.
     */
    public static final List<String> RESPONSE_FIELDS = List.of(ALLOW_ORIGIN, ALLOW_CREDENTIALS, EXPOSE_HEADERS,
            ALLOW_METHODS, ALLOW_HEADERS, MAX_AGE);
    private static final String REQUEST_METHOD = "Access-Control-Request-Method";
    private static final String REQUEST_HEADERS = "Access-Control-Request-Headers";

    private final Set<String> origins;
    private final boolean anyOrigin;
    private final List<String> methods;
    private final Set<String> headers;
    private final boolean anyHeader;
    private final List<String> exposedHeaders;
    private final boolean credentials;
    private final Duration maxAge;

    private Cors(Builder builder) {
        this.origins = Set.copyOf(builder.origins);
        this.anyOrigin = builder.origins.contains("*");
        this.methods = List.copyOf(builder.methods);
        this.headers = Set.copyOf(builder.headers);
        this.anyHeader = builder.headers.contains("*");
        this.exposedHeaders = List.copyOf(builder.exposedHeaders);
        this.credentials = builder.credentials;
        this.maxAge = builder.maxAge;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The origins allowed, lower case ({@code *} for any), as {@link Builder#allowedOrigins} was given them. */
    public Set<String> allowedOrigins() {
        return origins;
    }

    @Override
    public void filter(ServerRequest request, ServerResponse response, Handler next) throws IOException {
        String origin = request.headers().firstOrNull(HeaderNames.ORIGIN);
        boolean echoesOrigin = !anyOrigin;
        if (echoesOrigin) {
            response.header(HeaderNames.VARY, HeaderNames.ORIGIN);
        }
        boolean allowed = origin != null && (anyOrigin || origins.contains(Ascii.toLowerCase(origin)));
        String requestMethod = request.headers().firstOrNull(REQUEST_METHOD);
        if (origin != null && request.method().equals(Method.OPTIONS) && requestMethod != null) {
            preflight(request, response, allowed ? origin : null, requestMethod, echoesOrigin);
            return;
        }
        if (allowed) {
            response.setHeader(ALLOW_ORIGIN, echoesOrigin ? origin : "*");
            if (credentials) {
                response.setHeader(ALLOW_CREDENTIALS, "true");
            }
            if (!exposedHeaders.isEmpty()) {
                response.setHeader(EXPOSE_HEADERS, String.join(", ", exposedHeaders));
            }
        }
        next.handle(request, response);
    }

    private void preflight(ServerRequest request, ServerResponse response, String origin, String method,
            boolean echoesOrigin) throws IOException {
        response.header(HeaderNames.VARY, REQUEST_METHOD + ", " + REQUEST_HEADERS);
        String requested = String.join(",", request.headers().all(REQUEST_HEADERS));
        List<String> names = requested.isBlank() ? List.of()
                : List.of(requested.split(",")).stream().map(String::strip).filter(name -> !name.isEmpty()).toList();
        if (origin == null || !methods.contains(method)
                || !anyHeader && !names.stream().allMatch(name -> headers.contains(Ascii.toLowerCase(name)))) {
            response.status(Status.FORBIDDEN).send("CORS preflight refused\n");
            return;
        }
        response.status(Status.NO_CONTENT)
                .setHeader(ALLOW_ORIGIN, echoesOrigin ? origin : "*")
                .setHeader(ALLOW_METHODS, String.join(", ", methods));
        if (!names.isEmpty()) {
            response.setHeader(ALLOW_HEADERS, String.join(", ", names));
        }
        if (credentials) {
            response.setHeader(ALLOW_CREDENTIALS, "true");
        }
        response.setHeader(MAX_AGE, Long.toString(maxAge.toSeconds()));
        response.send();
    }

    /** Collects the allow-list; not thread-safe. */
    public static final class Builder {
        private final Set<String> origins = new LinkedHashSet<>();
        private final Set<String> methods = new LinkedHashSet<>(List.of("GET", "HEAD", "POST"));
        private final Set<String> headers = new LinkedHashSet<>();
        private final Set<String> exposedHeaders = new LinkedHashSet<>();
        private boolean credentials;
        private Duration maxAge = Duration.ofMinutes(10);

        private Builder() {
        }

        /**
         * Origins allowed, as a browser sends them: {@code scheme://host[:port]}, without a path or a trailing slash;
         * {@code "*"} for any, or {@code "null"} for the opaque origin of a sandboxed frame or a local file. None
         * unless set.
         *
         * @throws IllegalArgumentException for a value no browser sends as an origin (no scheme, a path), which would
         *     never match
         */
        public Builder allowedOrigins(String... origins) {
            for (String origin : origins) {
                Objects.requireNonNull(origin, "origin");
                if (!origin.equals("*") && !origin.equals("null") && OriginField.authorityOf(origin) == null) {
                    throw new IllegalArgumentException("not an origin as a browser sends it (scheme://host[:port]): '"
                            + Ascii.escape(origin) + "'");
                }
                this.origins.add(Ascii.toLowerCase(origin));
            }
            return this;
        }

        /** Methods a preflight may ask for, in place of GET, HEAD and POST. */
        public Builder allowedMethods(String... methods) {
            this.methods.clear();
            this.methods.addAll(List.of(methods));
            return this;
        }

        /**
         * Request header names a preflight may ask for; none unless set. {@code "*"} allows any it asks for, each
         * named back in {@code Access-Control-Allow-Headers} (never the wildcard itself, which a browser takes
         * literally for a request with credentials, and which never covers {@code Authorization}).
         */
        public Builder allowedHeaders(String... headers) {
            for (String header : headers) {
                this.headers.add(Ascii.toLowerCase(header));
            }
            return this;
        }

        /** Response header names a script may read beyond the CORS-safelisted ones. */
        public Builder exposedHeaders(String... headers) {
            this.exposedHeaders.addAll(List.of(headers));
            return this;
        }

        /** Whether requests with credentials (cookies, client certificates) are allowed; off unless set. */
        public Builder allowCredentials(boolean credentials) {
            this.credentials = credentials;
            return this;
        }

        /** How long a browser may cache a preflight's answer; 10 minutes unless set. */
        public Builder maxAge(Duration maxAge) {
            if (maxAge.isNegative()) {
                throw new IllegalArgumentException("maxAge must not be negative: " + maxAge);
            }
            this.maxAge = maxAge;
            return this;
        }

        /**
         * @throws IllegalStateException if any origin ({@code "*"}) is allowed with credentials: that would hand every
         *     site a user visits the user's cookies' answers (the Fetch standard itself refuses {@code *} with
         *     credentials, and echoing each origin back instead is that same hole); list the origins
         */
        public Cors build() {
            if (credentials && origins.contains("*")) {
                throw new IllegalStateException("allowCredentials(true) with allowedOrigins(\"*\") would let any site "
                        + "read answers made with the user's cookies: list the origins allowed instead");
            }
            return new Cors(this);
        }
    }
}
