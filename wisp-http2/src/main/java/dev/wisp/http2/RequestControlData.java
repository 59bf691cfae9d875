package dev.wisp.http2;

import static dev.wisp.http2.FieldRules.malformed;

import dev.wisp.core.Ascii;
import dev.wisp.core.Authority;
import dev.wisp.core.HeaderValidation;
import dev.wisp.core.Headers;
import dev.wisp.core.MalformedMessageException;
import dev.wisp.core.Method;
import dev.wisp.core.RequestTarget;
import dev.wisp.core.Scheme;
import dev.wisp.http2.FieldRules.Section;
import dev.wisp.http2.hpack.HpackField;
import java.util.List;

/**
 * The control data of one request (RFC 9113 §8.3.1): its pseudo-header fields, checked as {@link RequestFields} reads
 * them, and then as a whole. Used by one decoding call only.
 */
final class RequestControlData {
    /** Characters an authority may hold, as the HTTP/1 reader allows in Host: visible ASCII that ends no host. */
    private final int streamId;
    private Method method;
    private String scheme;
    private String authority;
    private String path;
    private String protocol;

    RequestControlData(int streamId) {
        this.streamId = streamId;
    }

    Method method() {
        return method;
    }

    /** The :authority, or {@code null}. */
    String authority() {
        return authority;
    }

    void set(HpackField field, boolean allowExtendedConnect) throws StreamException {
        String name = field.name();
        String value = field.value();
        FieldRules.checkValue(name, value, Section.REQUEST, streamId);
        switch (name) {
            case ":method" -> {
                once(method == null, name);
                if (!HeaderValidation.isToken(value)) {
                    throw malformed(Section.REQUEST, streamId, ":method '" + Ascii.escape(value)
                            + "' is not a token", "RFC 9110 §9.1");
                }
                method = Method.of(value);
            }
            case ":scheme" -> {
                once(scheme == null, name);
                scheme = checkScheme(value);
            }
            case ":authority" -> {
                once(authority == null, name);
                checkAuthority(":authority", value, streamId);
                authority = value;
            }
            case ":path" -> {
                once(path == null, name);
                path = value;
            }
            case ":protocol" -> {
                if (!allowExtendedConnect) {
                    throw malformed(Section.REQUEST, streamId, "pseudo-header field :protocol without extended"
                            + " CONNECT enabled", "RFC 8441 §4");
                }
                once(protocol == null, name);
                if (!HeaderValidation.isToken(value)) {
                    throw malformed(Section.REQUEST, streamId, ":protocol '" + Ascii.escape(value)
                            + "' is not a token", "RFC 8441 §4");
                }
                protocol = value;
            }
            default -> throw malformed(Section.REQUEST, streamId, "pseudo-header field '" + Ascii.escape(name)
                    + "' is not one of a request", "RFC 9113 §8.3");
        }
    }

    private void once(boolean first, String name) throws StreamException {
        if (!first) {
            throw malformed(Section.REQUEST, streamId, "repeated pseudo-header field " + name, "RFC 9113 §8.3");
        }
    }

    /** RFC 9113 §8.3.1: :scheme is a URI scheme (RFC 3986 §3.1). */
    private String checkScheme(String value) throws StreamException {
        if (!Scheme.isValid(value)) {
            throw malformed(Section.REQUEST, streamId, ":scheme '" + Ascii.escape(value) + "' is not a scheme",
                    "RFC 9113 §8.3.1");
        }
        return value;
    }

    boolean isHttp() {
        return "http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme);
    }

    /** §8.3.1, §8.5, RFC 8441 §4: which pseudo-header fields a request has. */
    void checkComplete() throws StreamException {
        if (method == null) {
            throw missing(":method");
        }
        if (protocol != null && !method.equals(Method.CONNECT)) {
            throw malformed(Section.REQUEST, streamId, ":protocol on a " + Ascii.escape(method.name())
                    + " request", "RFC 8441 §4");
        }
        if (method.equals(Method.CONNECT) && protocol == null) {
            if (authority == null) {
                throw missing(":authority");
            }
            if (scheme != null || path != null) {
                throw malformed(Section.REQUEST, streamId, "CONNECT request with "
                        + (scheme != null ? ":scheme" : ":path"), "RFC 9113 §8.5");
            }
            return;
        }
        if (scheme == null) {
            throw missing(":scheme");
        }
        if (path == null) {
            throw missing(":path");
        }
        if (protocol != null && authority == null) {
            throw missing(":authority");
        }
    }

    private StreamException missing(String name) {
        return malformed(Section.REQUEST, streamId, (method == null ? "request" : method.name() + " request")
                + " without " + name, method != null && method.equals(Method.CONNECT) && protocol == null
                ? "RFC 9113 §8.5" : "RFC 9113 §8.3.1");
    }

    /** The target: :authority for CONNECT (§8.5), else :path (§8.3.1). */
    RequestTarget target() throws StreamException {
        try {
            if (path == null) {
                return RequestTarget.parseAuthority(authority);
            }
            if (path.isEmpty()) {
                throw malformed(Section.REQUEST, streamId, "empty :path", "RFC 9113 §8.3.1");
            }
            if (path.equals("*") && !method.equals(Method.OPTIONS)) {
                throw malformed(Section.REQUEST, streamId, ":path '*' on a " + Ascii.escape(method.name())
                        + " request, where only OPTIONS may have it", "RFC 9113 §8.3.1");
            }
            if (!path.startsWith("/") && !path.equals("*")) {
                throw malformed(Section.REQUEST, streamId, ":path '" + Ascii.escape(path)
                        + "' starts with neither '/' nor is '*'", "RFC 9113 §8.3.1");
            }
            return RequestTarget.parse(path);
        } catch (MalformedMessageException e) {
            throw malformed(Section.REQUEST, streamId, e.getMessage(), path == null ? "RFC 9113 §8.5"
                    : "RFC 9113 §8.3.1");
        }
    }

    /** §8.3.1: one Host at most, which agrees with :authority; an http or https request names its authority. */
    void checkHost(Headers headers) throws StreamException {
        List<String> hosts = headers.all("host");
        if (hosts.size() > 1) {
            throw malformed(Section.REQUEST, streamId, hosts.size() + " host fields", "RFC 9110 §7.2");
        }
        if (hosts.isEmpty()) {
            if (isHttp()) {
                throw malformed(Section.REQUEST, streamId, "an " + scheme
                        + " request with neither :authority nor host", "RFC 9113 §8.3.1");
            }
            return;
        }
        // The host field made of :authority passes both checks.
        String host = hosts.get(0);
        checkAuthority("host field", host, streamId);
        if (authority != null && !sameAuthority(authority, host, scheme)) {
            throw malformed(Section.REQUEST, streamId, "host field '" + Ascii.escape(host)
                    + "' differs from :authority '" + Ascii.escape(authority) + "'", "RFC 9113 §8.3.1");
        }
    }

    /** Whether two authorities name the same host and port, ignoring case and the scheme's default port. */
    private static boolean sameAuthority(String authority, String host, String scheme) {
        return withoutDefaultPort(authority, scheme).equalsIgnoreCase(withoutDefaultPort(host, scheme));
    }

    private static String withoutDefaultPort(String authority, String scheme) {
        String port = "https".equalsIgnoreCase(scheme) ? ":443" : "http".equalsIgnoreCase(scheme) ? ":80" : null;
        return port != null && authority.endsWith(port) ? authority.substring(0, authority.length() - port.length())
                : authority;
    }

    /** An authority is host[:port] (RFC 3986 §3.2) without userinfo (§8.3.1), as Host must be (RFC 9110 §7.2). */
    static void checkAuthority(String what, String authority, int streamId) throws StreamException {
        if (authority.isEmpty()) {
            throw malformed(Section.REQUEST, streamId, "empty " + what, "RFC 9110 §4.2.1");
        }
        if (authority.indexOf('@') >= 0) {
            throw malformed(Section.REQUEST, streamId, what + " '" + Ascii.escape(authority) + "' has userinfo",
                    "RFC 9113 §8.3.1");
        }
        if (!Authority.isValid(authority)) {
            throw malformed(Section.REQUEST, streamId, what + " '" + Ascii.escape(authority) + "' is not host[:port]",
                    "RFC 9110 §7.2");
        }
    }
}
