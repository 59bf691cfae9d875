package dev.wisp.core;

/**
 * The {@code Origin} field a browser adds to a request from a page (RFC 6454 §7, the Fetch standard): a serialized
 * origin, {@code scheme://host[:port]} without a path, the port left out where it is the scheme's default, or
 * {@code null} for an opaque origin (a sandboxed frame, a local file). What a server needs of it to tell a page of
 * its own from another origin's, for a form's POST or a WebSocket's handshake.
 */
public final class OriginField {
    private OriginField() {
    }

    /**
     * The {@code host[:port]} of a serialized origin (a scheme, "://" and a host with an optional port, nothing else),
     * or null for {@code null} and anything else.
     */
    public static String authorityOf(String origin) {
        int separator = origin.indexOf("://");
        if (separator <= 0 || separator + 3 == origin.length()) {
            return null;
        }
        String authority = origin.substring(separator + 3);
        return Scheme.isValid(origin.substring(0, separator)) && Authority.isValid(authority) ? authority : null;
    }

    /**
     * Whether an origin is that of the server a request went to, as its client asked for it: the request's authority
     * ({@link RequestHead#authority}), or the host a proxy in front says the client asked for ({@code
     * X-Forwarded-Host}, the {@code host} of {@code Forwarded}), as behind nginx's default {@code Host} of the
     * upstream. Those two fields cannot make another origin's page pass for this server's: a browser does not let a
     * page write them on a form, a WebSocket's handshake or a request to another origin that goes without a preflight.
     */
    public static boolean isRequestsOwn(String origin, RequestHead request) {
        Serialized serialized = Serialized.of(origin);
        if (serialized == null) {
            return false;
        }
        if (serialized.names(request.authority().orElse(null))) {
            return true;
        }
        for (String value : request.headers().all("X-Forwarded-Host")) {
            for (String host : value.split(",")) {
                if (serialized.names(host.strip())) {
                    return true;
                }
            }
        }
        for (String value : request.headers().all("Forwarded")) {
            for (String element : ForwardedField.split(value)) {
                String host = ForwardedField.parameter(element, "host");
                if (!host.isEmpty() && serialized.names(host)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Whether an origin is that of the server a request went to: its host and port are the request's authority (its
     * {@code Host}, or an absolute-form target's, or {@code :authority}), without case, where an authority that names
     * the default port of the origin's scheme ({@code example.com:443} for {@code https://example.com}) is the same.
     * The scheme is not compared: a proxy in front may end TLS.
     *
     * @param requestAuthority the request's authority, or null if it has none
     */
    public static boolean isRequestsOwn(String origin, String requestAuthority) {
        Serialized serialized = Serialized.of(origin);
        return serialized != null && serialized.names(requestAuthority);
    }

    /**
     * An origin read once: its authority, and the port its scheme leaves out ({@code :443}, {@code :80}; null for
     * another scheme).
     */
    private record Serialized(String authority, String defaultPort) {
        /** The origin, surrounding whitespace aside, or null if it is no serialized origin. */
        static Serialized of(String origin) {
            String stripped = origin.strip();
            String authority = authorityOf(stripped);
            if (authority == null) {
                return null;
            }
            String defaultPort = stripped.regionMatches(true, 0, "https://", 0, 8) ? ":443"
                    : stripped.regionMatches(true, 0, "http://", 0, 7) ? ":80" : null;
            return new Serialized(authority, defaultPort);
        }

        /** Whether a request's authority names this origin's host and port. */
        boolean names(String requestAuthority) {
            if (requestAuthority == null) {
                return false;
            }
            return authority.equalsIgnoreCase(requestAuthority) || (defaultPort != null
                    && requestAuthority.length() == authority.length() + defaultPort.length()
                    && requestAuthority.regionMatches(true, 0, authority, 0, authority.length())
                    && requestAuthority.endsWith(defaultPort));
        }
    }
}
