package dev.wisp.client.internal;

import dev.wisp.client.RedirectPolicy;
import dev.wisp.client.RedirectRefusedException;
import dev.wisp.client.Request;
import dev.wisp.client.ResponseProtocolException;
import dev.wisp.client.TooManyRedirectsException;
import dev.wisp.core.Authority;
import dev.wisp.core.Headers;
import dev.wisp.core.Method;
import dev.wisp.core.PercentEncoding;
import dev.wisp.core.ResponseHead;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;

/**
 * Decides the request that follows a redirect response, by RFC 9110 §15.4, or that there is none. Stateless.
 */
final class Redirects {
    /** Fields that describe the body; they go when a redirect drops it (RFC 9110 §15.4, note on 301/302). */
    private static final List<String> CONTENT_FIELDS = List.of("Content-Type", "Content-Encoding",
            "Content-Language", "Content-Location", "Content-Length", "Transfer-Encoding", "Expect");
    /** Fields that must not reach another origin (credentials, and what only the first origin should see). */
    private static final List<String> ORIGIN_FIELDS = List.of("Authorization", "Proxy-Authorization", "Cookie",
            "Host");

    private Redirects() {
    }

    /**
     * Whether the status is a redirect that names where to go (304 and 300 are not followed, nor one whose Location is
     * empty: as a reference to the same URI it would be followed back to it until the maximum, and curl takes it for
     * no redirect).
     */
    static boolean isRedirect(ResponseHead head) {
        int code = head.status().code();
        String location = head.headers().firstOrNull("Location");
        return (code == 301 || code == 302 || code == 303 || code == 307 || code == 308)
                && location != null && !location.isBlank();
    }

    /**
     * The request to send after this redirect, or null when it is not followed (the policy says no, or a 307/308
     * would need a body that cannot be sent again).
     *
     * @param followed how many redirects this call followed before
     * @throws TooManyRedirectsException past the policy's maximum
     * @throws RedirectRefusedException for https to http without permission, or another scheme
     * @throws ResponseProtocolException if Location is not a URI reference, or not one a request can go to
     */
    static Request next(Request request, ResponseHead head, RedirectPolicy policy, int followed)
            throws TooManyRedirectsException, RedirectRefusedException, ResponseProtocolException {
        if (!policy.follows() || !isRedirect(head)) {
            return null;
        }
        URI target = target(request.uri(), head.headers().firstOrNull("Location"));
        if (followed >= policy.maxRedirects()) {
            throw new TooManyRedirectsException("more than " + policy.maxRedirects()
                    + " redirects (maxRedirects); the last, " + head.status().code() + ", to " + target, request, head);
        }
        String scheme = target.getScheme() == null ? "" : target.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new RedirectRefusedException("redirect from " + request.uri() + " to a " + scheme
                    + ": URI; only http and https are followed", request, head);
        }
        if (request.origin().isTls() && scheme.equals("http") && !policy.allowsTlsDowngrade()) {
            throw new RedirectRefusedException("redirect from https to http refused (" + request.uri() + " to "
                    + target + "); allow it with RedirectPolicy.allowingTlsDowngrade()", request, head);
        }
        int code = head.status().code();
        boolean toGet = code == 303 && !request.method().equals(Method.HEAD)
                || (code == 301 || code == 302) && request.method().equals(Method.POST);
        if (!toGet && request.body().length() != 0 && !request.isBodyRepeatable()) {
            return null;
        }
        Request.Builder next;
        try {
            next = request.toBuilder().uri(target);
        } catch (IllegalArgumentException e) {
            // A port out of range, userinfo that is not UTF-8: the server's Location, not the caller's argument.
            throw invalidLocation(head.headers().firstOrNull("Location"), e);
        }
        Headers.Builder fields = request.headers().toBuilder();
        if (toGet) {
            next.method(Method.GET).body(new byte[0]);
            CONTENT_FIELDS.forEach(fields::remove);
        }
        if (!dev.wisp.client.Origin.of(target).equals(request.origin())) {
            ORIGIN_FIELDS.forEach(fields::remove);
            next.noCredentials();
        }
        return next.headers(fields.build()).build();
    }

    private static URI target(URI base, String location) throws ResponseProtocolException {
        try {
            // RFC 9110 §10.2.2: a relative reference is resolved against the request's URI by RFC 3986 §5.
            URI resolved = UriReferences.resolve(base, new URI(PercentEncoding.escapeUnsafe(location.strip(), true)));
            // Another scheme's URI (mailto:, file:///) may have no host: it is refused for its scheme, by the caller.
            if (Authority.hostOf(resolved) == null && isHttp(resolved)) {
                throw new URISyntaxException(location, "no host");
            }
            return resolved;
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw invalidLocation(location, e);
        }
    }

    private static boolean isHttp(URI uri) {
        return "http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme());
    }

    private static ResponseProtocolException invalidLocation(String location, Exception cause) {
        String shown = location.length() > 64 ? location.substring(0, 64) + "..." : location;
        return new ResponseProtocolException("redirect Location '" + shown.replaceAll("\\p{Cntrl}", "?")
                + "' is not a valid URI reference", null, cause);
    }
}
