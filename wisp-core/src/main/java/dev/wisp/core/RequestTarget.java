package dev.wisp.core;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The target of a request (RFC 9112 §3.2) in one of its four forms, with its path split into percent-decoded
 * segments and its query string. Dot segments are removed (RFC 3986 §5.2.4), after decoding, so {@code /a/%2e%2e/b}
 * is {@code /b}; a path that climbs above the root is rejected, so nothing downstream can be walked out of its
 * root by a crafted path.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class RequestTarget {
    /** The four request-target forms of RFC 9112 §3.2. */
    public enum Form {
        /** {@code /path?query}: the usual form. */
        ORIGIN,
        /** {@code http://host/path?query}: sent to proxies, and accepted by every server. */
        ABSOLUTE,
        /** {@code host:port}: only with CONNECT. */
        AUTHORITY,
        /** {@code *}: only with a server-wide OPTIONS. */
        ASTERISK
    }

    /**
     * The characters browsers send unencoded that RFC 3986 leaves out: the WHATWG URL standard's percent-encode sets
     * spare them in a query (PHP's and JSON:API's {@code ?filter[name]=x}) and some of them in a path
     * ({@code /photo[1].jpg}), and every common server takes them, so a strict refusal would only break those pages
     * (over HTTP/2 as a reset stream the user cannot read). None of them delimits anything in HTTP.
     */
    private static final String BROWSER_QUERY_CHARS = "[]{}|^`\\";
    /**
     * As above, in a path: what a browser leaves unencoded there (braces and the backtick it encodes, and the
     * backslash some file systems and servers take for a separator it turns into a slash).
     */
    private static final String BROWSER_PATH_CHARS = "[]|^";

    /**
     * RFC 3986 pchar (unreserved, pct-encoded, sub-delims, ':' and '@') plus '/' and the characters browsers send
     * unencoded in a path, by ASCII code.
     */
    private static final boolean[] PATH_CHARS = new boolean[128];
    /** The path's characters, '?' and the characters browsers send unencoded in a query, by ASCII code. */
    private static final boolean[] QUERY_CHARS = new boolean[128];

    static {
        for (char c = 0; c < PATH_CHARS.length; c++) {
            boolean pchar = PercentEncoding.isUnreserved(c) || "%/:@!$&'()*+,;=".indexOf(c) >= 0;
            PATH_CHARS[c] = pchar || BROWSER_PATH_CHARS.indexOf(c) >= 0;
            QUERY_CHARS[c] = pchar || c == '?' || BROWSER_QUERY_CHARS.indexOf(c) >= 0;
        }
    }

    private static final RequestTarget ASTERISK = new RequestTarget(Form.ASTERISK, "*", null, null, "", null,
            List.of(), false);

    private final Form form;
    private final String raw;
    private final String scheme;
    private final String authority;
    private final String rawPath;
    private final String rawQuery;
    private final List<String> segments;
    private final boolean trailingSlash;

    private RequestTarget(Form form, String raw, String scheme, String authority, String rawPath, String rawQuery,
            List<String> segments, boolean trailingSlash) {
        this.form = form;
        this.raw = raw;
        this.scheme = scheme;
        this.authority = authority;
        this.rawPath = rawPath;
        this.rawQuery = rawQuery;
        this.segments = segments;
        this.trailingSlash = trailingSlash;
    }

    /**
     * Parses a request target in origin, absolute or asterisk form, as found in a request line.
     *
     * @throws MalformedMessageException if it is none of them or has characters RFC 3986 forbids, other than those
     *     browsers send unencoded ({@code [ ] | ^}, and in a query also {@code { } ` \})
     */
    public static RequestTarget parse(String raw) throws MalformedMessageException {
        Objects.requireNonNull(raw, "raw");
        if (raw.equals("*")) {
            return ASTERISK;
        }
        if (raw.startsWith("/")) {
            return parsePathAndQuery(Form.ORIGIN, raw, null, null, raw, StandardCharsets.UTF_8);
        }
        int colon = raw.indexOf("://");
        if (colon > 0 && Scheme.isValid(raw.substring(0, colon))) {
            String scheme = Ascii.toLowerCase(raw.substring(0, colon));
            int authorityStart = colon + 3;
            int pathStart = indexOfAny(raw, authorityStart, "/?");
            String authority = raw.substring(authorityStart, pathStart);
            checkAuthority(authority, raw);
            String rest = raw.substring(pathStart);
            String pathAndQuery = rest.startsWith("/") ? rest : "/" + rest;
            return parsePathAndQuery(Form.ABSOLUTE, raw, scheme, authority, pathAndQuery, StandardCharsets.UTF_8);
        }
        throw new MalformedMessageException("request target '" + Ascii.escape(raw)
                + "' is not in origin, absolute or asterisk form");
    }

    /**
     * Parses a request target in authority form ({@code host:port}), as CONNECT requires (RFC 9112 §3.2.3).
     *
     * @throws MalformedMessageException if it is not {@code host:port}
     */
    public static RequestTarget parseAuthority(String raw) throws MalformedMessageException {
        int colon = raw.lastIndexOf(':');
        if (colon <= 0 || colon == raw.length() - 1 || raw.contains("@")) {
            throw new MalformedMessageException("CONNECT target '" + Ascii.escape(raw) + "' is not host:port");
        }
        for (int i = colon + 1; i < raw.length(); i++) {
            if (raw.charAt(i) < '0' || raw.charAt(i) > '9') {
                throw new MalformedMessageException("CONNECT target '" + Ascii.escape(raw) + "' has a bad port");
            }
        }
        checkAuthority(raw, raw);
        return new RequestTarget(Form.AUTHORITY, raw, null, raw, "", null, List.of(), false);
    }

    /**
     * Returns an origin-form target for a path and optional query, as a client sends it. Percent-encoded bytes that
     * are not UTF-8 (a legacy server's Latin-1 names, say: {@code /caf%e9}) are the server's business, so they are
     * sent as they are, and only this target's {@link #segments()} decode them, byte by byte as ISO-8859-1; a server
     * refuses them in {@link #parse}.
     *
     * @throws IllegalArgumentException if it is not a valid origin-form target
     */
    public static RequestTarget origin(String pathAndQuery) {
        if (!pathAndQuery.startsWith("/")) {
            throw new IllegalArgumentException("origin-form target must start with '/': " + Ascii.escape(pathAndQuery));
        }
        try {
            return parse(pathAndQuery);
        } catch (MalformedMessageException e) {
            try {
                return parsePathAndQuery(Form.ORIGIN, pathAndQuery, null, null, pathAndQuery,
                        StandardCharsets.ISO_8859_1);
            } catch (MalformedMessageException stillMalformed) {
                // Malformed in a way the bytes' charset does not explain: say that way.
                throw new IllegalArgumentException(stillMalformed.getMessage(), stillMalformed);
            }
        }
    }

    private static RequestTarget parsePathAndQuery(Form form, String raw, String scheme, String authority,
            String pathAndQuery, Charset charset) throws MalformedMessageException {
        int question = pathAndQuery.indexOf('?');
        String rawPath = question < 0 ? pathAndQuery : pathAndQuery.substring(0, question);
        String rawQuery = question < 0 ? null : pathAndQuery.substring(question + 1);
        boolean escaped = false;
        for (int i = 0; i < rawPath.length(); i++) {
            char c = rawPath.charAt(i);
            escaped |= c == '%';
            if (!isPathChar(c)) {
                throw new MalformedMessageException("request target has a forbidden character in its path: '"
                        + Ascii.escape(raw) + "'");
            }
        }
        if (rawQuery != null) {
            for (int i = 0; i < rawQuery.length(); i++) {
                char c = rawQuery.charAt(i);
                if (c >= QUERY_CHARS.length || !QUERY_CHARS[c]) {
                    throw new MalformedMessageException("request target has a forbidden character in its query: '"
                            + Ascii.escape(raw) + "'");
                }
            }
        }
        List<String> segments = decodeSegments(rawPath, escaped, raw, charset);
        boolean trailingSlash = rawPath.length() > 1 && (rawPath.endsWith("/") || endsWithDotSegment(rawPath, charset))
                && !segments.isEmpty();
        return new RequestTarget(form, raw, scheme, authority, rawPath, rawQuery, segments, trailingSlash);
    }

    /** @param escaped whether the path has a '%': only then can a segment decode to other text */
    private static List<String> decodeSegments(String rawPath, boolean escaped, String raw, Charset charset)
            throws MalformedMessageException {
        if (rawPath.indexOf('/', 1) < 0) {
            // One segment, the commonest path: the same rules as below, without a list to build and copy.
            String segment = decode(rawPath.substring(1), escaped, charset);
            if (isDotDot(segment)) {
                throw climbsAboveRoot(raw);
            }
            return segment.isEmpty() || isDot(segment) ? List.of() : List.of(segment);
        }
        List<String> segments = new ArrayList<>(4);
        boolean hasEmpty = false;
        int start = 1;
        while (start <= rawPath.length()) {
            int slash = rawPath.indexOf('/', start);
            int end = slash < 0 ? rawPath.length() : slash;
            String segment = decode(rawPath.substring(start, end), escaped, charset);
            boolean last = slash < 0;
            if (isDotDot(segment)) {
                if (segments.isEmpty()) {
                    throw climbsAboveRoot(raw);
                }
                segments.remove(segments.size() - 1);
            } else if (!isDot(segment) && (!segment.isEmpty() || !last)) {
                // An empty segment counts for a later ".." to remove, and is dropped at the end.
                segments.add(segment);
                hasEmpty |= segment.isEmpty();
            }
            if (last) {
                break;
            }
            start = slash + 1;
        }
        if (hasEmpty) {
            segments.removeIf(String::isEmpty);
        }
        return List.copyOf(segments);
    }

    /**
     * Whether the path's last segment is "." or "..", encoded or not: RFC 3986 §5.2.4 leaves a trailing slash for
     * it ({@code /a/b/.} is {@code /a/b/}, {@code /a/b/..} is {@code /a/}), so that a file's path with a dot after it
     * is not the file.
     */
    private static boolean endsWithDotSegment(String rawPath, Charset charset) throws MalformedMessageException {
        char last = rawPath.charAt(rawPath.length() - 1);
        if (last != '.' && last != 'e' && last != 'E') {
            return false;
        }
        String segment = rawPath.substring(rawPath.lastIndexOf('/') + 1);
        if (segment.length() > 6) {
            return false;
        }
        String decoded = decode(segment, segment.indexOf('%') >= 0, charset);
        return isDot(decoded) || isDotDot(decoded);
    }

    private static String decode(String segment, boolean escaped, Charset charset)
            throws MalformedMessageException {
        return escaped ? PercentEncoding.decode(segment, false, charset) : segment;
    }

    private static boolean isDot(String segment) {
        return segment.length() == 1 && segment.charAt(0) == '.';
    }

    private static boolean isDotDot(String segment) {
        return segment.length() == 2 && segment.charAt(0) == '.' && segment.charAt(1) == '.';
    }

    private static MalformedMessageException climbsAboveRoot(String raw) {
        return new MalformedMessageException("request path climbs above the root: '" + Ascii.escape(raw) + "'");
    }

    /** See {@link #PATH_CHARS}. */
    private static boolean isPathChar(char c) {
        return c < PATH_CHARS.length && PATH_CHARS[c];
    }

    /**
     * The authority must be {@code host[:port]} ({@link Authority}); when it is not, the message says why, the
     * plainest reason first.
     */
    private static void checkAuthority(String authority, String raw) throws MalformedMessageException {
        if (authority.isEmpty()) {
            throw new MalformedMessageException("request target has an empty authority: '" + Ascii.escape(raw) + "'");
        }
        if (Authority.isValid(authority)) {
            return;
        }
        String problem;
        if (Authority.hasForbiddenCharacter(authority)) {
            problem = "request target has a forbidden character in its authority";
        } else if (authority.indexOf('@') >= 0) {
            // RFC 9110 §4.2.4: userinfo in an http(s) URI is deprecated and hides the real host; as CONNECT
            // targets and Host fields already do, treat it as an error.
            problem = "request target has userinfo in its authority";
        } else {
            problem = "request target's authority is not host[:port]";
        }
        throw new MalformedMessageException(problem + ": '" + Ascii.escape(raw) + "'");
    }

    private static int indexOfAny(String text, int from, String chars) {
        for (int i = from; i < text.length(); i++) {
            if (chars.indexOf(text.charAt(i)) >= 0) {
                return i;
            }
        }
        return text.length();
    }

    public Form form() {
        return form;
    }

    /** The target exactly as received. */
    public String raw() {
        return raw;
    }

    /** The scheme of an absolute-form target, lower-cased. */
    public Optional<String> scheme() {
        return Optional.ofNullable(scheme);
    }

    /** The authority ({@code host[:port]}) of an absolute- or authority-form target. */
    public Optional<String> authority() {
        return Optional.ofNullable(authority);
    }

    /** The path as received, still percent-encoded; empty for the authority and asterisk forms. */
    public String rawPath() {
        return rawPath;
    }

    /**
     * The decoded, dot-segment-free path: {@code "/"} followed by the segments joined with '/', and a trailing
     * '/' if the received path had one. Note that a decoded segment may itself contain '/' (from {@code %2F});
     * use {@link #segments()} where that matters.
     */
    public String path() {
        if (form == Form.ASTERISK || form == Form.AUTHORITY) {
            return raw;
        }
        return "/" + String.join("/", segments) + (trailingSlash ? "/" : "");
    }

    /** The decoded path segments, without empty ones and dot segments. */
    public List<String> segments() {
        return segments;
    }

    /** Whether the received path ended with '/' (and was not just "/"). */
    public boolean hasTrailingSlash() {
        return trailingSlash;
    }

    /** The query as received, without '?', still encoded; empty if the target had no '?'. */
    public Optional<String> rawQuery() {
        return Optional.ofNullable(rawQuery);
    }

    /**
     * The query parsed as {@code name=value} pairs separated by '&amp;', decoded with '+' as space; values of a
     * repeated name are kept in order.
     *
     * @throws MalformedMessageException if an escape is malformed
     */
    public Map<String, List<String>> queryParameters() throws MalformedMessageException {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return Map.of();
        }
        Map<String, List<String>> parameters = new LinkedHashMap<>();
        FormUrlEncoding.<MalformedMessageException>split(rawQuery, (name, value) -> parameters.computeIfAbsent(
                FormUrlEncoding.decode(name, StandardCharsets.UTF_8), key -> new ArrayList<>(1))
                .add(FormUrlEncoding.decode(value, StandardCharsets.UTF_8)));
        parameters.replaceAll((name, values) -> List.copyOf(values));
        return Collections.unmodifiableMap(parameters);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RequestTarget target && target.raw.equals(raw) && target.form == form;
    }

    @Override
    public int hashCode() {
        return raw.hashCode();
    }

    @Override
    public String toString() {
        return raw;
    }
}
