package dev.wisp.proxy;

import dev.wisp.core.Ascii;
import dev.wisp.core.ConnectionOptions;
import dev.wisp.core.HeaderValidation;
import dev.wisp.core.IpAddresses;
import dev.wisp.core.Headers;
import dev.wisp.core.ProhibitedTrailerFields;
import dev.wisp.core.Version;
import java.net.InetAddress;
import java.net.Inet6Address;
import java.util.HashSet;
import java.util.Set;

/**
 * The header fields a proxy forwards: a message's end-to-end fields (RFC 9110 §7.6.1 drops the hop-by-hop ones, and
 * those its {@code Connection} fields name), {@code Via} (§7.6.3), and the fields that tell the upstream who asked
 * ({@code X-Forwarded-*}, RFC 7239's {@code Forwarded}).
 */
final class ProxyFields {
    /**
     * Fields that describe one hop, never forwarded: RFC 9110's, the obsolete {@code Proxy-Connection}, the proxy
     * credentials meant for this hop, and HTTP/2's upgrade settings.
     */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection", "te",
            "transfer-encoding", "upgrade", "proxy-authenticate", "proxy-authorization", "http2-settings");
    /**
     * Fields about the client that only a trusted proxy before this one may have set: those this proxy sets, and the
     * others that servers and frameworks read for the client's address or scheme (nginx's {@code X-Real-IP}, Rack's
     * {@code X-Forwarded-Ssl} and {@code X-Forwarded-Scheme}, Rails' and PHP's {@code Client-IP}, gunicorn's
     * {@code X-Forwarded-Protocol}, CDNs' {@code True-Client-IP}, {@code CF-Connecting-IP}, {@code Fastly-Client-IP}).
     */
    static final Set<String> FORWARDING = Set.of("forwarded", "x-forwarded-for", "x-forwarded-proto",
            "x-forwarded-host", "x-forwarded-port", "x-forwarded-prefix", "x-forwarded-ssl", "x-forwarded-scheme",
            "x-forwarded-server", "x-forwarded-protocol", "x-forwarded", "forwarded-for", "x-real-ip",
            "true-client-ip", "x-client-ip", "client-ip", "x-cluster-client-ip", "cf-connecting-ip",
            "fastly-client-ip", "front-end-https", "x-url-scheme");
    /** The fields the proxy sets in a head, never relayed in trailers. */
    private static final Set<String> HEAD_ONLY = withVia(FORWARDING);

    private ProxyFields() {
    }

    /**
     * The end-to-end fields of a message, less those named in {@code alsoDropped} (lowercase). Several
     * {@code Cookie} fields, as HTTP/2 may split one (RFC 9113 §8.2.3), become one, joined with "; ".
     */
    static Headers.Builder endToEnd(Headers headers, Set<String> alsoDropped) {
        Set<String> dropped = new HashSet<>(alsoDropped);
        dropped.addAll(ConnectionOptions.of(headers));
        Headers.Builder kept = Headers.builder();
        StringBuilder cookies = null;
        for (int i = 0; i < headers.size(); i++) {
            String name = Ascii.toLowerCase(headers.name(i));
            if (HOP_BY_HOP.contains(name) || dropped.contains(name) || isUnderscoredTwin(name)) {
                continue;
            }
            if (name.equals("cookie")) {
                cookies = cookies == null ? new StringBuilder(headers.value(i))
                        : cookies.append("; ").append(headers.value(i));
            } else {
                kept.add(headers.name(i), headers.value(i));
            }
        }
        if (cookies != null) {
            kept.add("Cookie", cookies.toString());
        }
        return kept;
    }

    /**
     * The trailer fields a proxy relays, either way: none that no trailer section may hold (the server and client drop
     * those already where they read and write trailers), nor the forwarding fields and {@code Via}, which the proxy
     * sets in the head and nowhere else (in trailers they would get round its removal of the client's, for an
     * upstream that merges trailers into the head).
     */
    static Headers relayedTrailers(Headers trailers) {
        return ProhibitedTrailerFields.removeFrom(trailers, HEAD_ONLY);
    }

    /**
     * As {@link #relayedTrailers(Headers)}, and without the fields named in {@code alsoDropped} (lowercase). Two
     * passes, each of which returns the trailers as they are, allocating nothing, when it has nothing to drop.
     */
    static Headers relayedTrailers(Headers trailers, Set<String> alsoDropped) {
        return ProhibitedTrailerFields.removeFrom(relayedTrailers(trailers), alsoDropped);
    }

    /**
     * Whether a field's name is, with its underscores read as hyphens, one of the hop-by-hop or forwarding fields
     * ({@code X_Forwarded_For}): CGI and the frameworks that follow it (WSGI, Rack, PHP) read both spellings as the
     * same variable, so a client could set through it what the proxy removes or sets (nginx drops every name with an
     * underscore by default). Dropped even where forwarding fields are trusted: no proxy writes them so.
     */
    private static boolean isUnderscoredTwin(String name) {
        if (name.indexOf('_') < 0) {
            return false;
        }
        String hyphened = name.replace('_', '-');
        return HOP_BY_HOP.contains(hyphened) || FORWARDING.contains(hyphened) || hyphened.equals("via")
                || hyphened.equals("host") || hyphened.equals("content-length");
    }

    private static Set<String> withVia(Set<String> names) {
        Set<String> all = new HashSet<>(names);
        all.add("via");
        return Set.copyOf(all);
    }

    /** A {@code Via} entry for a message received over the version (RFC 9110 §7.6.3): "1.1 wisp", "2 wisp". */
    static String via(Version received, String pseudonym) {
        String protocol = switch (received) {
            case HTTP_1_0 -> "1.0";
            case HTTP_1_1 -> "1.1";
            case HTTP_2 -> "2";
        };
        return protocol + " " + pseudonym;
    }

    /** The client's address as {@code X-Forwarded-For} writes it: IPv6 without brackets, in RFC 5952's form. */
    static String address(InetAddress address) {
        return IpAddresses.text(address);
    }

    /** One element of RFC 7239's {@code Forwarded}: {@code for}, {@code proto} and {@code host}, quoted as needed. */
    static String forwardedElement(InetAddress client, String scheme, String host) {
        String node = address(client);
        String forNode = client instanceof Inet6Address ? "\"[" + node + "]\"" : node;
        StringBuilder element = new StringBuilder("for=").append(forNode).append(";proto=").append(scheme);
        if (host != null) {
            element.append(";host=").append(HeaderValidation.isToken(host) ? host : quoted(host));
        }
        return element.toString();
    }

    private static String quoted(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
