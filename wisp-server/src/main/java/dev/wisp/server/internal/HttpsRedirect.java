package dev.wisp.server.internal;

import dev.wisp.core.HeaderNames;
import dev.wisp.core.RequestTarget;
import dev.wisp.core.Status;
import dev.wisp.server.Router;
import dev.wisp.server.ServerRequest;
import dev.wisp.server.ServerResponse;
import java.io.IOException;

/**
 * The routes of a plaintext port that sends everyone to HTTPS: every request is answered 308 Permanent Redirect
 * to the same host, path and query on the HTTPS port. 308 keeps the method and body (RFC 9110 §15.4.9), so a
 * POST is not turned into a GET.
 */
final class HttpsRedirect {
    private HttpsRedirect() {
    }

    static Router router(int httpsPort) {
        return Router.builder().any("/*", (request, response) -> redirect(request, response, httpsPort))
                .methodNotAllowed((request, response) -> { // a method any() leaves out (PROPFIND, FOO): redirected too
                    response.removeHeader(HeaderNames.ALLOW);
                    redirect(request, response, httpsPort);
                })
                .build();
    }

    private static void redirect(ServerRequest request, ServerResponse response, int httpsPort) throws IOException {
        RequestTarget target = request.target();
        // RFC 9112 §3.2.2: an absolute-form target names the host itself, and the Host field is to be ignored.
        String host = hostWithoutPort(request.head().authority().orElse("localhost"));
        String port = httpsPort == 443 ? "" : ":" + httpsPort;
        response.status(Status.PERMANENT_REDIRECT)
                .header("Location", "https://" + host + port + pathAndQuery(target))
                .send("use https\n");
    }

    /** The path and query as received, of an origin- or absolute-form target; "/" for {@code OPTIONS *}. */
    private static String pathAndQuery(RequestTarget target) {
        String path = target.rawPath().startsWith("/") ? target.rawPath() : "/";
        return target.rawQuery().map(query -> path + "?" + query).orElse(path);
    }

    /** The host of a Host field: a name, an IPv4 address or a bracketed IPv6 address, without the port. */
    static String hostWithoutPort(String host) {
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end < 0 ? host : host.substring(0, end + 1);
        }
        int colon = host.indexOf(':');
        return colon < 0 ? host : host.substring(0, colon);
    }
}
