package dev.wisp.client;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A cookie as a {@link CookieJar} stores it (RFC 6265 §5.3): where it goes, until when, and its flags.
 *
 * @param name the cookie name, not empty
 * @param value its value, as the server sent it
 * @param domain the host it came from (host-only), or the domain it covers with subdomains; lower case, no dot
 *     in front
 * @param hostOnly whether it goes only to {@code domain} itself (no Domain attribute was given)
 * @param path the path it covers, starting with "/"
 * @param expires when it expires; empty for a session cookie, which lives as long as the jar
 * @param secure whether it goes only over https
 * @param httpOnly whether it is hidden from non-HTTP APIs (kept and saved, as curl does)
 * @param sameSite the SameSite attribute, kept as given ({@link SameSite#UNSPECIFIED} when absent)
 */
public record Cookie(String name, String value, String domain, boolean hostOnly, String path,
        Optional<Instant> expires, boolean secure, boolean httpOnly, SameSite sameSite) {
    /** The SameSite attribute (RFC 6265bis §4.1.2.7). */
    public enum SameSite {
        STRICT, LAX, NONE, UNSPECIFIED
    }

    public Cookie {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(expires, "expires");
        Objects.requireNonNull(sameSite, "sameSite");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("cookie name must not be empty");
        }
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("cookie path must start with '/': " + path);
        }
    }

    /** Whether it has expired at this instant. */
    public boolean isExpired(Instant now) {
        return expires.isPresent() && !expires.get().isAfter(now);
    }

    /** Whether it goes to this host (RFC 6265 §5.1.3 domain-match, or equality for a host-only cookie). */
    public boolean matchesHost(String host) {
        return host.equals(domain) || !hostOnly && host.endsWith("." + domain) && !CookieRules.isIpAddress(host);
    }

    /** Whether it goes with a request for this path (RFC 6265 §5.1.4 path-match). */
    public boolean matchesPath(String requestPath) {
        return requestPath.equals(path) || requestPath.startsWith(path)
                && (path.endsWith("/") || requestPath.charAt(path.length()) == '/');
    }

    @Override
    public String toString() {
        return name + " for " + (hostOnly ? "" : ".") + domain + path + (secure ? " (secure)" : "");
    }
}
