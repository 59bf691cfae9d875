package dev.wisp.client;

import java.util.Locale;

/** The host rules cookies follow (RFC 6265 §5.1.3, §5.3 step 5). Stateless. */
final class CookieRules {
    private CookieRules() {
    }

    /** Whether the host is an IPv4 or IPv6 literal (no domain-matching for those). */
    static boolean isIpAddress(String host) {
        return host.indexOf(':') >= 0 || host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }

    /** A Domain attribute as stored: lower case, without the leading dot (§5.2.3). */
    static String canonicalDomain(String attribute) {
        String domain = attribute.startsWith(".") ? attribute.substring(1) : attribute;
        return domain.toLowerCase(Locale.ROOT);
    }
}
