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
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * A {@link Filter} that refuses, with 403 Forbidden, a browser's request from another origin that could change
 * something: any method but GET, HEAD and OPTIONS. That is a cross-site request forgery, where another site's page
 * posts a form (or a script sends a simple request) to this server, and the browser adds the cookies or the Basic
 * credentials it holds for this server. As Go's {@code http.CrossOriginProtection} decides, from the fields browsers
 * add on their own and no page can set:
 *
 * <ol>
 *   <li>an {@code Origin} among the {@linkplain Builder#trustedOrigins trusted origins} passes;
 *   <li>{@code Sec-Fetch-Site} (sent by every current browser): {@code same-origin} and {@code none} (a typed address,
 *       a bookmark) pass; {@code same-site} (another port of the same host is another origin of the same site: the
 *       other web interface of a device) and {@code cross-site} are refused;
 *   <li>without it, {@code Origin}: it passes if its host and port are the request's own ({@code Host}, or the
 *       authority of an absolute-form target, or the {@code X-Forwarded-Host} of a proxy in front; the scheme is not
 *       compared, as a proxy in front may end TLS), else it is refused, {@code null} (a sandboxed frame, a local file)
 *       included;
 *   <li>with neither, the request passes: it comes from no browser (curl, a script, a service), or from one too old to
 *       send either field.
 * </ol>
 *
 * <pre>{@code
 * HttpService.builder(router)
 *         .filter(CrossOriginProtection.defaults())
 *         .build();
 * }</pre>
 *
 * <p>A request from another origin that the server means to take (a {@link Cors} filter allows its origin, with
 * credentials) must come from a trusted origin here too. Immutable and thread-safe.
 */
public final class CrossOriginProtection implements Filter {
    private static final String SEC_FETCH_SITE = "Sec-Fetch-Site";
    private static final CrossOriginProtection DEFAULTS = new CrossOriginProtection(Set.of());

    /** Serialized origins, lower case. */
    private final Set<String> trustedOrigins;

    private CrossOriginProtection(Set<String> trustedOrigins) {
        this.trustedOrigins = trustedOrigins;
    }

    /** Protection that trusts no other origin. */
    public static CrossOriginProtection defaults() {
        return DEFAULTS;
    }

    /** A builder for protection that trusts some other origins. */
    public static Builder builder() {
        return new Builder();
    }

    /** The origins whose requests pass, as browsers send them ({@code scheme://host[:port]}), lower case. */
    public Set<String> trustedOrigins() {
        return trustedOrigins;
    }

    @Override
    public void filter(ServerRequest request, ServerResponse response, Handler next) throws IOException {
        if (allows(request)) {
            next.handle(request, response);
        } else {
            refuse(response);
        }
    }

    /** Answers a request that {@link #allows} refuses: 403, the same for every refusal. */
    public static void refuse(ServerResponse response) throws IOException {
        response.status(Status.FORBIDDEN).send("a request from another origin is refused\n");
    }

    /**
     * Whether a request passes: a method that changes nothing, or one this server's own pages, a trusted origin or a
     * client that is no browser sent (the rules above). For a handler that protects only some of its requests, say a
     * form's POST.
     */
    public boolean allows(ServerRequest request) {
        Method method = request.method();
        if (method.equals(Method.GET) || method.equals(Method.HEAD) || method.equals(Method.OPTIONS)) {
            return true;
        }
        String origin = request.headers().firstOrNull(HeaderNames.ORIGIN);
        if (origin != null && trustedOrigins.contains(Ascii.toLowerCase(origin))) {
            return true;
        }
        String site = request.headers().firstOrNull(SEC_FETCH_SITE);
        if (site != null) {
            return site.equalsIgnoreCase("same-origin") || site.equalsIgnoreCase("none");
        }
        if (origin == null) {
            return true;
        }
        return OriginField.isRequestsOwn(origin, request.head());
    }

    /** Builds a {@link CrossOriginProtection}. Not thread-safe. */
    public static final class Builder {
        private final Set<String> trustedOrigins = new LinkedHashSet<>();

        private Builder() {
        }

        /**
         * Origins whose requests pass, as browsers send them: {@code scheme://host[:port]}, without a path or a
         * trailing slash.
         *
         * @throws IllegalArgumentException for a value no browser sends as an origin, which would never match
         */
        public Builder trustedOrigins(String... origins) {
            for (String origin : origins) {
                Objects.requireNonNull(origin, "origin");
                if (OriginField.authorityOf(origin) == null) {
                    throw new IllegalArgumentException("not an origin as a browser sends it (scheme://host[:port]): '"
                            + Ascii.escape(origin) + "'");
                }
                trustedOrigins.add(Ascii.toLowerCase(origin));
            }
            return this;
        }

        public CrossOriginProtection build() {
            return new CrossOriginProtection(Set.copyOf(trustedOrigins));
        }
    }
}
