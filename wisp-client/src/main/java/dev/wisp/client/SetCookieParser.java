package dev.wisp.client;

import dev.wisp.core.Authority;
import java.net.URI;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * Turns one {@code Set-Cookie} field into the {@link Cookie} to store, by RFC 6265 §5.2 (parsing) and §5.3
 * (storage model), or null when the cookie must be ignored. Stateless.
 */
final class SetCookieParser {
    /** RFC 6265 §6.1: a user agent should accept at least 4096 bytes per cookie; this one accepts no more. */
    static final int MAX_COOKIE_BYTES = 4096;

    private SetCookieParser() {
    }

    /**
     * @param uri the request the response answered
     * @param now the time of the response
     */
    static Cookie parse(String field, URI uri, Instant now, PublicSuffixList suffixes) {
        if (field.length() > MAX_COOKIE_BYTES || hasControlCharacter(field)) {
            return null;
        }
        String[] parts = field.split(";", -1);
        int equals = parts[0].indexOf('=');
        if (equals < 0) {
            return null;
        }
        String name = parts[0].substring(0, equals).strip();
        String value = parts[0].substring(equals + 1).strip();
        if (name.isEmpty() || name.indexOf('\t') >= 0 || value.indexOf('\t') >= 0) {
            return null; // a tab around them is white space (§5.2), one within cannot go in the cookie file
        }
        String host = Authority.hostOf(uri);
        Optional<Instant> expires = Optional.empty();
        Instant maxAge = null;
        String domainAttribute = null;
        String path = null;
        boolean secure = false;
        boolean httpOnly = false;
        Cookie.SameSite sameSite = Cookie.SameSite.UNSPECIFIED;
        for (int i = 1; i < parts.length; i++) {
            int at = parts[i].indexOf('=');
            String attribute = (at < 0 ? parts[i] : parts[i].substring(0, at)).strip().toLowerCase(Locale.ROOT);
            String attributeValue = at < 0 ? "" : parts[i].substring(at + 1).strip();
            switch (attribute) {
                case "expires" -> {
                    Optional<Instant> prior = expires; // §5.2.1: a date that does not parse is ignored
                    expires = CookieDates.parse(attributeValue).or(() -> prior);
                }
                case "max-age" -> maxAge = maxAge(attributeValue, now, maxAge);
                case "domain" -> domainAttribute = attributeValue.isEmpty() ? domainAttribute
                        : CookieRules.canonicalDomain(attributeValue);
                case "path" -> {
                    if (attributeValue.indexOf('\t') >= 0) {
                        return null; // as in the name or value: the cookie file's separator
                    }
                    path = attributeValue.startsWith("/") ? attributeValue : null;
                }
                case "secure" -> secure = true;
                case "httponly" -> httpOnly = true;
                case "samesite" -> sameSite = switch (attributeValue.toLowerCase(Locale.ROOT)) {
                    case "strict" -> Cookie.SameSite.STRICT;
                    case "lax" -> Cookie.SameSite.LAX;
                    case "none" -> Cookie.SameSite.NONE;
                    default -> Cookie.SameSite.UNSPECIFIED;
                };
                default -> {
                    // RFC 6265 §5.2: unknown attributes are ignored
                }
            }
        }
        if (maxAge != null) {
            expires = Optional.of(maxAge); // §5.3 step 3: Max-Age wins over Expires
        }
        boolean hostOnly = true;
        String domain = host;
        if (domainAttribute != null) {
            if (suffixes.isPublicSuffix(domainAttribute) && !domainAttribute.equals(host)) {
                return null; // §5.3 step 5: a cookie for a public suffix is ignored, unless it is the host itself
            }
            boolean matches = host.equals(domainAttribute)
                    || host.endsWith("." + domainAttribute) && !CookieRules.isIpAddress(host);
            if (!matches) {
                return null;
            }
            // An address names one host: a Domain equal to it makes no domain cookie (RFC 6265bis §5.7 step 9).
            hostOnly = host.equals(domainAttribute)
                    && (suffixes.isPublicSuffix(domainAttribute) || CookieRules.isIpAddress(host));
            domain = domainAttribute;
        }
        // RFC 6265bis §5.7 step 14: a Secure cookie is only taken from a secure origin.
        if (secure && !"https".equalsIgnoreCase(uri.getScheme())) {
            return null;
        }
        if (!keepsItsPrefix(name, secure, domainAttribute != null, path)) {
            return null;
        }
        return new Cookie(name, value, domain, hostOnly, path != null ? path : defaultPath(uri), expires, secure,
                httpOnly, sameSite);
    }

    /**
     * RFC 6265bis §4.1.3: a name that starts with {@code __Secure-} promises a Secure cookie, one with
     * {@code __Host-} a Secure cookie of this host alone, for every path (no Domain, Path "/"); a cookie that does not
     * keep its name's promise is ignored (step 20 and 21 of §5.7), as browsers and curl do, so that a plaintext
     * response or a sibling domain cannot plant one. The prefixes compare without case, as browsers now do.
     */
    private static boolean keepsItsPrefix(String name, boolean secure, boolean hasDomain, String path) {
        if (startsWithIgnoringCase(name, "__Secure-")) {
            return secure;
        }
        if (startsWithIgnoringCase(name, "__Host-")) {
            return secure && !hasDomain && "/".equals(path);
        }
        return true;
    }

    private static boolean startsWithIgnoringCase(String text, String prefix) {
        return text.regionMatches(true, 0, prefix, 0, prefix.length());
    }

    /**
     * RFC 6265bis §5.6: a cookie with a control character other than a tab is ignored. A tab is white space around the
     * name, the value and the attributes, trimmed as §5.2 says; one within a name, value or path is ignored too (see
     * {@link #parse}), since the cookie file ({@link NetscapeCookies}) separates its fields with tabs (a jar that saved
     * one could not be read again), as curl ignores it.
     */
    private static boolean hasControlCharacter(String field) {
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c < 0x20 && c != '\t' || c == 0x7f) {
                return true;
            }
        }
        return false;
    }

    /**
     * §5.2.2: whole seconds; zero or less means at once; anything else makes the attribute ignored. A number of more
     * digits than a long holds is as long as the longest kept (it was taken for no Max-Age: a session cookie).
     */
    private static Instant maxAge(String text, Instant now, Instant current) {
        if (!text.matches("-?\\d+")) {
            return current;
        }
        long longest = 400L * 24 * 3600 * 100;
        long seconds = text.length() > 18 ? (text.startsWith("-") ? -1 : longest) : Long.parseLong(text);
        return seconds <= 0 ? Instant.EPOCH : now.plusSeconds(Math.min(seconds, longest));
    }

    /** §5.1.4: the request path up to its last '/', or "/". */
    static String defaultPath(URI uri) {
        String path = uri.getRawPath();
        if (path == null || !path.startsWith("/") || path.lastIndexOf('/') == 0) {
            return "/";
        }
        return path.substring(0, path.lastIndexOf('/'));
    }
}
