package dev.wisp.client;

import dev.wisp.core.Authority;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A cookie store by RFC 6265: {@code Set-Cookie} fields go in ({@link #receive}), the {@code Cookie} field for a
 * request comes out ({@link #cookieHeader}), with host-only and domain cookies, paths, Secure (sent over https only,
 * and only taken from https), expiry (Expires and Max-Age), HttpOnly and SameSite kept. A Domain attribute naming a
 * public suffix ({@code co.uk}, {@code github.io}) is refused, by the {@link PublicSuffixList#system() system's
 * list} (Debian's {@code publicsuffix} package) unless another is given, or, without one, by the rule that single
 * labels are public suffixes. Set one on
 * {@link ClientConfig.Builder#cookieJar} and every call of the client shares it, redirects included (each hop gets
 * the cookies of its own URI).
 *
 * <p>{@link #load} and {@link #save} read and write the Netscape cookies.txt format of curl's {@code -b} and
 * {@code -c} and libwebsockets' cookie jar.
 *
 * <p>Thread-safe: every method holds the jar's monitor for a few map operations and no I/O (save copies first).
 *
 * <table>
 *   <caption>Limits</caption>
 *   <tr><th>limit</th><th>value</th><th>when crossed</th></tr>
 *   <tr><td>one cookie's Set-Cookie field</td><td>4096 bytes</td><td>the cookie is ignored</td></tr>
 *   <tr><td>cookies in the jar</td><td>3000 (RFC 6265 §6.1)</td><td>the least recently set is evicted</td></tr>
 * </table>
 */
public final class CookieJar {
    /** RFC 6265 §6.1: at least 3000 cookies in all. */
    static final int MAX_COOKIES = 3000;

    private final Clock clock;
    private final PublicSuffixList suffixes;
    /** By name, domain and path (the identity of §5.3 step 11), oldest first. */
    private final Map<String, Cookie> cookies = new LinkedHashMap<>();

    private CookieJar(Clock clock, PublicSuffixList suffixes) {
        this.clock = clock;
        this.suffixes = suffixes;
    }

    /** An empty jar, refusing cookies for the public suffixes of {@link PublicSuffixList#system()}. */
    public static CookieJar create() {
        return new CookieJar(Clock.systemUTC(), PublicSuffixList.system());
    }

    /**
     * An empty jar refusing cookies for the public suffixes of this list, such as one from
     * {@link PublicSuffixList#load(Path)}.
     */
    public static CookieJar create(PublicSuffixList suffixes) {
        return new CookieJar(Clock.systemUTC(), Objects.requireNonNull(suffixes, "suffixes"));
    }

    /** An empty jar whose idea of now comes from the clock, for tests of expiry. */
    public static CookieJar create(Clock clock) {
        return new CookieJar(Objects.requireNonNull(clock, "clock"), PublicSuffixList.system());
    }

    /** The public suffixes this jar refuses cookies for. */
    public PublicSuffixList publicSuffixes() {
        return suffixes;
    }

    /**
     * A jar with the cookies of a Netscape cookies.txt file (curl's {@code -c} output); expired ones are skipped.
     *
     * @throws IOException if the file cannot be read or a line is not in the format
     */
    public static CookieJar load(Path file) throws IOException {
        CookieJar jar = create();
        for (Cookie cookie : NetscapeCookies.read(file)) {
            jar.add(cookie);
        }
        return jar;
    }

    /** Writes every cookie that has not expired, session cookies too (as curl does), to a Netscape cookies.txt. */
    public void save(Path file) throws IOException {
        NetscapeCookies.write(file, cookies());
    }

    /** Stores the cookies of a response's {@code Set-Cookie} fields, for the URI of the request it answered. */
    public void receive(URI uri, List<String> setCookieFields) {
        Instant now = clock.instant();
        for (String field : setCookieFields) {
            Cookie cookie = SetCookieParser.parse(field, uri, now, suffixes);
            if (cookie != null) {
                add(cookie);
            }
        }
    }

    /** Stores a cookie, replacing one of the same name, domain and path; an expired one removes it. */
    public synchronized void add(Cookie cookie) {
        String key = cookie.name() + ";" + cookie.domain() + ";" + cookie.path();
        cookies.remove(key);
        if (!cookie.isExpired(clock.instant())) {
            cookies.put(key, cookie);
            if (cookies.size() > MAX_COOKIES) {
                cookies.remove(cookies.keySet().iterator().next());
            }
        }
    }

    /**
     * The cookies for a request to this URI (RFC 6265 §5.4): matching host and path, Secure ones only for https,
     * longer paths first.
     */
    public List<Cookie> cookiesFor(URI uri) {
        String host = Objects.requireNonNullElse(Authority.hostOf(uri), "");
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        boolean secure = "https".equalsIgnoreCase(uri.getScheme());
        List<Cookie> matching = new ArrayList<>();
        for (Cookie cookie : cookies()) {
            if (cookie.matchesHost(host) && cookie.matchesPath(path) && (secure || !cookie.secure())) {
                matching.add(cookie);
            }
        }
        // Stable sort: equal path lengths stay oldest first (§5.4 step 2).
        matching.sort(Comparator.comparingInt((Cookie cookie) -> cookie.path().length()).reversed());
        return matching;
    }

    /** The {@code Cookie} field for a request to this URI, if any cookie goes with it. */
    public Optional<String> cookieHeader(URI uri) {
        List<Cookie> matching = cookiesFor(uri);
        if (matching.isEmpty()) {
            return Optional.empty();
        }
        StringBuilder header = new StringBuilder();
        for (Cookie cookie : matching) {
            header.append(header.isEmpty() ? "" : "; ").append(cookie.name()).append('=').append(cookie.value());
        }
        return Optional.of(header.toString());
    }

    /** Every cookie that has not expired, oldest first; expired ones are dropped now. */
    public synchronized List<Cookie> cookies() {
        Instant now = clock.instant();
        cookies.values().removeIf(cookie -> cookie.isExpired(now));
        return List.copyOf(cookies.values());
    }

    /** Removes every cookie. */
    public synchronized void clear() {
        cookies.clear();
    }
}
