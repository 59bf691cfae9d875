package dev.wisp.client.internal;

import dev.wisp.client.ClientConfig;
import dev.wisp.client.ProxyConfig;
import dev.wisp.client.Request;
import dev.wisp.core.HeaderNames;
import dev.wisp.core.Headers;
import dev.wisp.core.MalformedMessageException;
import dev.wisp.core.Method;
import dev.wisp.core.RequestHead;
import dev.wisp.core.RequestTarget;
import dev.wisp.core.Version;

/**
 * Builds the head a request goes out with: the caller's fields plus the ones the client manages ({@code Host},
 * {@code User-Agent}, framing, {@code Connection}, {@code Expect}, {@code Accept-Encoding}).
 */
final class RequestHeads {
    private RequestHeads() {
    }

    /**
     * @param bodyLength the body's length, or -1 to send it chunked
     */
    static RequestHead of(Request request, ClientConfig config, long bodyLength) {
        // RFC 9112 §3.2: Host goes first, and once (a server answers two with 400); the caller's first one wins.
        Headers.Builder fields = Headers.builder();
        String host = request.headers().firstOrNull(HeaderNames.HOST);
        fields.add(HeaderNames.HOST, host != null ? host : request.origin().hostField());
        fields.addAll(host == null ? request.headers()
                : request.headers().toBuilder().remove(HeaderNames.HOST).build());
        addUserAgent(fields, config);
        if (request.decompresses() && !fields.contains("Accept-Encoding")) {
            fields.add("Accept-Encoding", "gzip, deflate");
        }
        // The client frames the body; a caller's framing fields could only disagree with it (RFC 9112 §6.1).
        fields.remove(HeaderNames.CONTENT_LENGTH).remove(HeaderNames.TRANSFER_ENCODING);
        if (bodyLength < 0) {
            fields.add(HeaderNames.TRANSFER_ENCODING, "chunked");
        } else if (bodyLength > 0 || expectsContent(request.method())) {
            fields.add(HeaderNames.CONTENT_LENGTH, Long.toString(bodyLength));
        }
        if (!request.isPersistent()) {
            fields.set(HeaderNames.CONNECTION, "close");
        }
        if (request.expectsContinue() && bodyLength != 0) {
            fields.set(HeaderNames.EXPECT, "100-continue");
        }
        ProxyConfig proxy = config.proxyFor(request.origin()).orElse(null);
        if (proxy != null && proxy.forwardsRequests(request.origin())) {
            // RFC 9112 §3.2.2: to an HTTP proxy, the absolute-form (a SOCKS proxy relays bytes, so origin-form);
            // its credentials travel with each request.
            proxy.authorization().ifPresent(value -> fields.set("Proxy-Authorization", value));
            String absolute = request.origin().scheme() + "://" + request.origin().hostField() + request.target();
            try {
                return new RequestHead(request.method(), RequestTarget.parse(absolute), Version.HTTP_1_1,
                        fields.build());
            } catch (MalformedMessageException e) {
                throw new IllegalArgumentException("request URI cannot go to a proxy: " + e.getMessage(), e);
            }
        }
        return new RequestHead(request.method(), RequestTarget.origin(request.target()), Version.HTTP_1_1,
                fields.build());
    }

    /** The configuration's User-Agent, unless the request set one or the configuration's is empty (none). */
    static void addUserAgent(Headers.Builder fields, ClientConfig config) {
        if (!fields.contains("User-Agent") && !config.userAgent().isEmpty()) {
            fields.add("User-Agent", config.userAgent());
        }
    }

    /** RFC 9110 §8.6: a user agent should send Content-Length: 0 for a method that defines a body, as curl does. */
    private static boolean expectsContent(Method method) {
        return method.equals(Method.POST) || method.equals(Method.PUT) || method.equals(Method.PATCH);
    }
}
