package dev.wisp.proxy;

import dev.wisp.client.Origin;
import dev.wisp.core.Authority;
import dev.wisp.core.PercentEncoding;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Where a proxy forwards to: an origin and a base path, and the mapping of a request's path under the proxy's prefix
 * to the upstream's path and back (for a redirect's {@code Location}). Immutable.
 *
 * @param origin the upstream server
 * @param basePath the upstream path that the proxy's prefix maps to: empty, or starting with "/" and not ending with
 *     one
 */
record Upstream(Origin origin, String basePath) {
    /**
     * The upstream of a base URI such as {@code http://127.0.0.1:9000} or {@code https://api.internal/v1/}.
     *
     * @throws IllegalArgumentException if it is not an absolute http or https URI with a host, or has a query,
     *     fragment or user information
     */
    static Upstream of(URI uri) {
        if (uri.getRawQuery() != null || uri.getRawFragment() != null || Authority.rawUserInfoOf(uri) != null) {
            throw new IllegalArgumentException("upstream must not have a query, fragment or user information: " + uri);
        }
        Origin origin = Origin.of(uri);
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return new Upstream(origin, path);
    }

    /** The upstream's URI for a request path below the prefix (raw, starting with "/" or empty) and raw query. */
    URI uri(String rawRemainder, String rawQuery) {
        String path = basePath + rawRemainder;
        if (path.isEmpty()) {
            path = "/";
        }
        String name = origin.host().indexOf(':') >= 0 ? "[" + origin.host() + "]" : origin.host();
        String query = rawQuery == null ? "" : "?" + rawQuery;
        return URI.create(origin.scheme() + "://" + name + ":" + origin.port() + path + query);
    }

    /**
     * A redirect's {@code Location} that points into the upstream, pointed at the proxy instead, as nginx's default
     * {@code proxy_redirect} does: an absolute URI on the upstream's origin under its base path becomes the same
     * path under the proxy's prefix on the origin clients reach the proxy by. Empty if it points elsewhere (relative
     * references are left as they are).
     *
     * @param publicOrigin the scheme and authority clients reach the proxy by, as {@code https://example.com}
     * @param prefix the proxy's path prefix: empty, or starting with "/" and not ending with one
     */
    Optional<String> publicLocation(String location, String publicOrigin, String prefix) {
        URI uri;
        try {
            uri = new URI(location);
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
        if (!uri.isAbsolute() || Authority.hostOf(uri) == null || Authority.rawUserInfoOf(uri) != null) {
            return Optional.empty();
        }
        Origin target;
        try {
            target = Origin.of(uri);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        int under = lengthUnder(path, basePath);
        if (!target.equals(origin) || under < 0) {
            return Optional.empty();
        }
        String publicPath = prefix + path.substring(under);
        String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
        String fragment = uri.getRawFragment() == null ? "" : "#" + uri.getRawFragment();
        return Optional.of(publicOrigin + (publicPath.isEmpty() ? "/" : publicPath) + query + fragment);
    }

    /**
     * How much of the raw path the prefix takes, when the path is the prefix itself or below it on a segment
     * boundary; -1 when it is not. An unreserved character the path has percent-encoded ({@code /a%70i} for
     * {@code /api}) is the same character (RFC 3986 §6.2.2.2), as the router, which matches decoded paths, takes
     * it; an encoded slash ({@code %2F}) is data, never a segment's end.
     */
    static int lengthUnder(String path, String prefix) {
        int at = 0;
        for (int i = 0; i < prefix.length(); i++) {
            char wanted = prefix.charAt(i);
            if (at < path.length() && path.charAt(at) == wanted) {
                at++;
            } else if (at + 2 < path.length() && path.charAt(at) == '%' && PercentEncoding.isUnreserved(wanted)
                    && HexFormat.isHexDigit(path.charAt(at + 1)) && HexFormat.isHexDigit(path.charAt(at + 2))
                    && HexFormat.fromHexDigits(path, at + 1, at + 3) == wanted) {
                at += 3;
            } else {
                return -1;
            }
        }
        return at == path.length() || prefix.isEmpty() || path.charAt(at) == '/' ? at : -1;
    }
}
