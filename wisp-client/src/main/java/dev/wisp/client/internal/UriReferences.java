package dev.wisp.client.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * URI references as RFC 3986 §5 resolves them, which {@link URI#resolve(URI)} does not: it follows RFC 2396, so a
 * reference of only a query ({@code ?page=2}) loses the base's last segment, an empty one loses the base's query,
 * and dot segments that climb above the root ({@code /../g}) stay in the path. Works on raw (percent-encoded)
 * components. Stateless.
 */
public final class UriReferences {
    private UriReferences() {
    }

    /**
     * Resolves a reference against an absolute hierarchical base (RFC 3986 §5.2.2, strict: a reference with a
     * scheme is absolute even if it is the base's). An opaque reference ({@code mailto:x}) is returned as it is.
     *
     * @throws URISyntaxException if the resolved components do not make a URI
     */
    public static URI resolve(URI base, URI reference) throws URISyntaxException {
        if (reference.isOpaque()) {
            return reference;
        }
        String scheme = reference.getScheme();
        String authority = reference.getRawAuthority();
        String path = reference.getRawPath() == null ? "" : reference.getRawPath();
        String query = reference.getRawQuery();
        if (scheme != null || authority != null) {
            path = removeDotSegments(path);
        } else {
            authority = base.getRawAuthority();
            if (path.isEmpty()) {
                path = base.getRawPath() == null ? "" : base.getRawPath();
                query = query != null ? query : base.getRawQuery();
            } else {
                path = removeDotSegments(path.startsWith("/") ? path : merge(base, path));
            }
        }
        return build(scheme != null ? scheme : base.getScheme(), authority, path, query, reference.getRawFragment());
    }

    /** The URI with the dot segments of its path removed (RFC 3986 §5.2.4); the same URI if it has none. */
    public static URI withoutDotSegments(URI uri) {
        String path = uri.getRawPath();
        if (uri.isOpaque() || path == null || !hasDotSegment(path)) {
            return uri;
        }
        try {
            return build(uri.getScheme(), uri.getRawAuthority(), removeDotSegments(path), uri.getRawQuery(),
                    uri.getRawFragment());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("URI without its dot segments is not valid: " + e.getMessage(), e);
        }
    }

    /**
     * RFC 3986 §5.2.4 on an absolute path: "." segments go, ".." removes the segment before it and never climbs
     * above the root; a path ending in either keeps its trailing slash. Percent-encoded dots count as dots, as the
     * URL standard has it, so that no such segment reaches a server that decodes before it resolves.
     */
    static String removeDotSegments(String path) {
        if (!path.startsWith("/") || !hasDotSegment(path)) {
            return path;
        }
        String[] segments = path.split("/", -1);
        List<String> kept = new ArrayList<>(segments.length);
        for (int i = 1; i < segments.length; i++) {
            String segment = segments[i];
            boolean last = i == segments.length - 1;
            if (isDotDot(segment) && !kept.isEmpty()) {
                kept.removeLast();
            }
            if (isDot(segment) || isDotDot(segment)) {
                if (last) {
                    kept.add("");
                }
            } else {
                kept.add(segment);
            }
        }
        return "/" + String.join("/", kept);
    }

    /** RFC 3986 §5.2.3: the reference's path after the base's, without the base's last segment. */
    private static String merge(URI base, String path) {
        String basePath = base.getRawPath() == null ? "" : base.getRawPath();
        if (base.getRawAuthority() != null && basePath.isEmpty()) {
            return "/" + path;
        }
        return basePath.substring(0, basePath.lastIndexOf('/') + 1) + path;
    }

    private static URI build(String scheme, String authority, String path, String query, String fragment)
            throws URISyntaxException {
        StringBuilder text = new StringBuilder(scheme).append(':');
        if (authority != null) {
            text.append("//").append(authority);
        }
        text.append(path);
        if (query != null) {
            text.append('?').append(query);
        }
        if (fragment != null) {
            text.append('#').append(fragment);
        }
        return new URI(text.toString());
    }

    private static boolean hasDotSegment(String path) {
        if (path.indexOf('.') < 0 && path.indexOf('%') < 0) {
            return false;
        }
        for (String segment : path.split("/", -1)) {
            if (isDot(segment) || isDotDot(segment)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isDot(String segment) {
        return segment.equals(".") || segment.equalsIgnoreCase("%2e");
    }

    private static boolean isDotDot(String segment) {
        String lower = segment.toLowerCase(Locale.ROOT);
        return lower.equals("..") || lower.equals(".%2e") || lower.equals("%2e.") || lower.equals("%2e%2e");
    }
}
