package dev.wisp.core;

import java.net.IDN;
import java.net.URI;
import java.util.Locale;

/**
 * The authority of an HTTP URI as a Host field, an {@code :authority} and an absolute-form or CONNECT target carry
 * it (RFC 9110 §7.2, RFC 3986 §3.2.2-3.2.3): {@code host [ ":" port ]}, where the host is a registered name (letters,
 * digits, {@code -._~}, sub-delims and percent-escapes; an IPv4 address is one), or an IPv6 address or IPvFuture in
 * brackets, and the port is decimal digits up to 65535 (none at all is allowed, as the grammar allows it). No
 * userinfo. A value that is not one ({@code x:abc}, {@code ::1}, {@code [::1}, {@code x:1:2}) is a request a server
 * must refuse (RFC 9112 §3.2), rather than take for some host and build a URL of it (a redirect, a log line).
 */
public final class Authority {
    private static final int MAX_PORT = 65_535;

    /** unreserved and sub-delims (RFC 3986 §2.2-2.3): a reg-name's characters besides percent-escapes. */
    private static final boolean[] NAME_CHARS = new boolean[128];

    static {
        for (char c = 0; c < NAME_CHARS.length; c++) {
            NAME_CHARS[c] = PercentEncoding.isUnreserved(c) || "!$&'()*+,;=".indexOf(c) >= 0;
        }
    }

    private Authority() {
    }

    /**
     * The host of a URI, as RFC 3986 reads its authority: without brackets for an IPv6 address, in lower case, and a
     * registered name that {@link URI} (which follows RFC 2396) finds none in, one with {@code _} (a container's
     * service name, {@code my_api}) or non-ASCII letters (an internationalized name, given in its ASCII form,
     * {@code xn--bcher-kva.example}, RFC 5890), read too. Null if the URI has no authority, or one that is not valid.
     */
    public static String hostOf(URI uri) {
        String host = uri.getHost();
        if (host != null) {
            host = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
            return host.toLowerCase(Locale.ROOT);
        }
        String name = registeredName(uri);
        return name == null ? null : name.substring(0, portColon(name)).toLowerCase(Locale.ROOT);
    }

    /** The port of a URI's authority, as {@link #hostOf} reads it; -1 if it names none (or there is no host). */
    public static int portOf(URI uri) {
        if (uri.getHost() != null) {
            return uri.getPort();
        }
        String name = registeredName(uri);
        int colon = name == null ? -1 : portColon(name);
        return colon < 0 || colon >= name.length() - 1 ? -1 : Integer.parseInt(name.substring(colon + 1));
    }

    /**
     * A URI's userinfo as written (raw), also where {@link URI} reads the authority as a registered name, as it does
     * for a host with {@code _} or non-ASCII letters, and gives none; null if it has none.
     */
    public static String rawUserInfoOf(URI uri) {
        if (uri.getRawUserInfo() != null || uri.getHost() != null) {
            return uri.getRawUserInfo();
        }
        String authority = uri.getRawAuthority();
        int at = authority == null ? -1 : authority.lastIndexOf('@');
        return at < 0 ? null : authority.substring(0, at);
    }

    /** A URI's authority without its userinfo, as written: {@code host[:port]}; null if it has none. */
    public static String hostAndPortOf(URI uri) {
        String authority = uri.getRawAuthority();
        return authority == null ? null : authority.substring(authority.lastIndexOf('@') + 1);
    }

    /**
     * A registry-based authority's {@code name[:port]}, its name decoded and in ASCII, if it is a valid authority then;
     * null otherwise (no authority, or an IPv6 literal, which {@link URI} reads itself).
     */
    private static String registeredName(URI uri) {
        String authority = hostAndPortOf(uri);
        if (authority == null || authority.startsWith("[")) {
            return null;
        }
        int colon = authority.lastIndexOf(':');
        String name = colon < 0 ? authority : authority.substring(0, colon);
        String ascii;
        try {
            // Non-ASCII letters come as they are (java.net.URI keeps them) or percent-encoded in UTF-8.
            String decoded = name.indexOf('%') < 0 ? name : PercentEncoding.decode(name, false);
            ascii = IDN.toASCII(decoded, IDN.ALLOW_UNASSIGNED);
        } catch (IllegalArgumentException | MalformedMessageException e) {
            return null;
        }
        String hostAndPort = colon < 0 ? ascii : ascii + authority.substring(colon);
        return !ascii.isEmpty() && isValid(hostAndPort) ? hostAndPort : null;
    }

    /** Where the port's colon is in a valid {@code name[:port]}, or its length if there is none. */
    private static int portColon(String nameAndPort) {
        int colon = nameAndPort.lastIndexOf(':');
        return colon < 0 ? nameAndPort.length() : colon;
    }

    /** Whether the text is {@code host [ ":" port ]} as above; the empty text is an empty reg-name, so valid. */
    public static boolean isValid(String authority) {
        int length = authority.length();
        int hostEnd;
        if (length > 0 && authority.charAt(0) == '[') {
            int close = authority.indexOf(']');
            if (close < 0 || !isIpLiteral(authority, 1, close)) {
                return false;
            }
            hostEnd = close + 1;
            if (hostEnd < length && authority.charAt(hostEnd) != ':') {
                return false;
            }
        } else {
            hostEnd = regNameEnd(authority);
            if (hostEnd < 0) {
                return false;
            }
        }
        return hostEnd == length || isPort(authority, hostEnd + 1, length);
    }

    /**
     * Whether the text has a character that no part of an authority may have (RFC 3986 §3.2: userinfo, host and port
     * together allow unreserved, sub-delims, {@code :[]@%} and nothing else): a space, a quote, a non-ASCII letter.
     * It says why a text is not valid when that is the reason; {@link #isValid} alone decides.
     */
    static boolean hasForbiddenCharacter(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c >= NAME_CHARS.length || !NAME_CHARS[c]) && ":[]@%".indexOf(c) < 0) {
                return true;
            }
        }
        return false;
    }

    /** Where a registered name ends (at ':' or the end), or -1 if a character or escape is not a name's. */
    private static int regNameEnd(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ':') {
                return i;
            }
            if (c == '%') {
                if (i + 2 >= text.length() || !isHex(text.charAt(i + 1)) || !isHex(text.charAt(i + 2))) {
                    return -1;
                }
                i += 2;
            } else if (c >= NAME_CHARS.length || !NAME_CHARS[c]) {
                return -1;
            }
        }
        return text.length();
    }

    private static boolean isPort(String text, int from, int to) {
        if (to - from > 5) {
            return false;
        }
        int port = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
            port = port * 10 + (c - '0');
        }
        return port <= MAX_PORT;
    }

    /** IPv6address / IPvFuture, between the brackets. */
    private static boolean isIpLiteral(String text, int from, int to) {
        if (from < to && (text.charAt(from) == 'v' || text.charAt(from) == 'V')) {
            return isIpFuture(text, from + 1, to);
        }
        return isIpv6(text, from, to);
    }

    /** RFC 3986 §3.2.2: IPvFuture = "v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" ), after the "v". */
    private static boolean isIpFuture(String text, int from, int to) {
        int i = from;
        while (i < to && isHex(text.charAt(i))) {
            i++;
        }
        if (i == from || i == to || text.charAt(i) != '.' || i + 1 == to) {
            return false;
        }
        for (int j = i + 1; j < to; j++) {
            char c = text.charAt(j);
            if (c != ':' && (c >= NAME_CHARS.length || !NAME_CHARS[c])) {
                return false;
            }
        }
        return true;
    }

    /**
     * RFC 3986 §3.2.2 IPv6address: eight groups of one to four hex digits, or fewer with one "::" standing for the
     * rest, the last two of them possibly an IPv4 address. No zone identifier.
     */
    private static boolean isIpv6(String text, int from, int to) {
        int groups = 0;
        boolean compressed = false;
        int i = from;
        if (text.startsWith("::", i) && i + 2 <= to) {
            compressed = true;
            i += 2;
        }
        while (i < to) {
            int start = i;
            while (i < to && i - start < 5 && isHex(text.charAt(i))) {
                i++;
            }
            if (i < to && text.charAt(i) == '.') {
                if (!isIpv4(text, start, to)) {
                    return false;
                }
                groups += 2;
                break;
            }
            if (i == start || i - start > 4) {
                return false;
            }
            groups++;
            if (i == to) {
                break;
            }
            if (text.charAt(i) != ':' || ++i == to) {
                return false;
            }
            if (text.charAt(i) == ':') {
                if (compressed) {
                    return false;
                }
                compressed = true;
                i++;
            }
        }
        return compressed ? groups <= 7 : groups == 8;
    }

    /** Four dec-octets (0 to 255, no leading zero) separated by dots. */
    private static boolean isIpv4(String text, int from, int to) {
        int octets = 0;
        int i = from;
        while (octets < 4) {
            int start = i;
            int value = 0;
            while (i < to && i - start < 3 && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
                value = value * 10 + (text.charAt(i) - '0');
                i++;
            }
            int digits = i - start;
            if (digits == 0 || value > 255 || (digits > 1 && text.charAt(start) == '0')) {
                return false;
            }
            octets++;
            if (octets < 4) {
                if (i == to || text.charAt(i) != '.') {
                    return false;
                }
                i++;
            }
        }
        return i == to;
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
