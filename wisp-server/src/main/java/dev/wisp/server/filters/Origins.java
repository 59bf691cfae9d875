package dev.wisp.server.filters;

import dev.wisp.core.Authority;
import dev.wisp.core.Scheme;

/** Origins as browsers send them in {@code Origin} (the Fetch standard's serialized origin). */
final class Origins {
    private Origins() {
    }

    /**
     * The {@code host[:port]} of a serialized origin (a scheme, "://" and a host with an optional port, nothing else),
     * or null for {@code null} and anything else.
     */
    static String authorityOf(String origin) {
        int separator = origin.indexOf("://");
        if (separator <= 0 || separator + 3 == origin.length()) {
            return null;
        }
        String authority = origin.substring(separator + 3);
        return Scheme.isValid(origin.substring(0, separator)) && Authority.isValid(authority) ? authority : null;
    }
}
