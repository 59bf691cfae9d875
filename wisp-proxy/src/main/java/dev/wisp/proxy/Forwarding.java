package dev.wisp.proxy;

import dev.wisp.core.HeaderNames;
import dev.wisp.core.Headers;
import dev.wisp.core.Status;
import dev.wisp.core.Version;
import dev.wisp.server.ServerRequest;
import java.net.InetAddress;
import java.net.URI;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * How a proxy's requests and answers change on their way through it, shared by HTTP exchanges and WebSocket
 * openings: the path mapped from the prefix to the upstream, the fields forwarded, {@code Via}, the fields that tell
 * the upstream who asked, {@code Location} pointed back at the proxy, and the upstream's fields the proxy hides.
 * Immutable.
 *
 * @param hiddenRequestFields lowercase names of the client's request fields never forwarded, in its head or trailers
 * @param droppedResponseFields lowercase names of the upstream's answer fields never relayed, in its head or trailers:
 *     those the server writes itself, and those the proxy hides
 */
record Forwarding(Upstreams upstreams, String prefix, boolean preserveHost, ForwardedHeaders forwardedHeaders,
        boolean trustForwardedHeaders, String via, boolean rewriteLocation, Set<String> hiddenRequestFields,
        Set<String> droppedResponseFields) {

    /**
     * How many proxies a request may have passed, by its {@code Via} entries, before this one refuses it: a proxy
     * sent to itself (by a mistake in its upstream, or in the upstream's own proxying) would otherwise forward its
     * own requests until connections or threads ran out (RFC 9110 §7.6.3 asks to be protected from such a loop).
     */
    static final int MAX_HOPS = 16;
    /** The answer past {@link #MAX_HOPS}: 508 (Loop Detected). */
    static final Status LOOP_DETECTED = Status.of(508, "Loop Detected");

    /** Whether the request has passed {@link #MAX_HOPS} proxies or more. */
    static boolean isLooping(ServerRequest request) {
        int entries = 0;
        for (String value : request.headers().all("Via")) {
            entries += value.split(",").length;
        }
        return entries >= MAX_HOPS;
    }

    /** What of a request's target goes upstream: the raw path below the prefix, and the raw query or null. */
    record Target(String rawRemainder, String rawQuery) {
        /** The target's URI on that upstream. */
        URI at(Upstream upstream) {
            return upstream.uri(rawRemainder, rawQuery);
        }
    }

    /** What of the request's target goes upstream, or empty if its path is not under the prefix. */
    Optional<Target> target(ServerRequest request) {
        String rawPath = request.target().rawPath();
        int under = Upstream.lengthUnder(rawPath, prefix);
        if (under < 0) {
            return Optional.empty();
        }
        return Optional.of(new Target(rawPath.substring(under), request.target().rawQuery().orElse(null)));
    }

    /**
     * The host the client asked for: an absolute-form target's authority, which RFC 9112 §3.2.2 has a server take in
     * place of the Host field, else the Host field (over HTTP/2, the {@code :authority}); null for neither.
     */
    private static String requestHost(ServerRequest request) {
        return request.head().authority().orElse(null);
    }

    /**
     * The fields the request goes upstream with: its end-to-end ones less {@code ownFields} (lowercase; what the
     * client or the WebSocket handshake sets itself), {@code Host} if preserved, {@code Via}, and the forwarding
     * fields (the client's ones dropped unless trusted).
     */
    Headers requestFields(ServerRequest request, Set<String> ownFields) {
        Headers received = request.headers();
        Set<String> dropped = new HashSet<>(ownFields);
        dropped.addAll(hiddenRequestFields);
        if (!trustForwardedHeaders) {
            dropped.addAll(ProxyFields.FORWARDING);
        }
        Headers.Builder fields = ProxyFields.endToEnd(received, dropped);
        String host = requestHost(request);
        if (preserveHost && host != null) {
            fields.set(HeaderNames.HOST, host);
        }
        if (!via.isEmpty()) {
            fields.add("Via", ProxyFields.via(request.protocol(), via));
        }
        addForwardingFields(request, fields, host);
        return fields.build();
    }

    private void addForwardingFields(ServerRequest request, Headers.Builder fields, String host) {
        String scheme = scheme(request);
        InetAddress peer = request.connection().remoteAddress().getAddress();
        if (forwardedHeaders.sendsXForwarded()) {
            String address = ProxyFields.address(peer);
            if (trustForwardedHeaders && fields.contains("X-Forwarded-For")) {
                String before = String.join(", ", fields.build().all("X-Forwarded-For"));
                fields.set("X-Forwarded-For", before + ", " + address);
            } else {
                fields.set("X-Forwarded-For", address);
            }
            if (!fields.contains("X-Forwarded-Proto")) {
                fields.set("X-Forwarded-Proto", scheme);
            }
            if (host != null && !fields.contains("X-Forwarded-Host")) {
                fields.set("X-Forwarded-Host", host);
            }
            if (!prefix.isEmpty() && !fields.contains("X-Forwarded-Prefix")) {
                fields.set("X-Forwarded-Prefix", prefix); // the path taken off, for links the upstream builds
            }
        }
        if (forwardedHeaders.sendsForwarded()) {
            fields.add("Forwarded", ProxyFields.forwardedElement(peer, scheme, host));
        }
    }

    /**
     * The fields the answer goes back with: its end-to-end ones less the dropped ones, {@code Location} pointed at the
     * proxy, and {@code Via}.
     */
    Headers responseFields(ServerRequest request, Headers answer, Version answerVersion) {
        Headers.Builder fields = ProxyFields.endToEnd(answer, droppedResponseFields);
        String location = fields.firstOrNull(HeaderNames.LOCATION);
        String host = requestHost(request);
        if (rewriteLocation && location != null && host != null) {
            for (Upstream upstream : upstreams.members()) {
                Optional<String> rewritten = upstream.publicLocation(location, scheme(request) + "://" + host, prefix);
                if (rewritten.isPresent()) {
                    fields.set(HeaderNames.LOCATION, rewritten.get());
                    break;
                }
            }
        }
        if (!via.isEmpty()) {
            fields.add("Via", ProxyFields.via(answerVersion, via));
        }
        return fields.build();
    }

    /** The answer's trailer fields relayed: those {@link ProxyFields#relayedTrailers} relays, less the dropped ones. */
    Headers responseTrailers(Headers trailers) {
        return ProxyFields.relayedTrailers(trailers, droppedResponseFields);
    }

    private static String scheme(ServerRequest request) {
        return request.connection().tls().isPresent() ? "https" : "http";
    }
}
