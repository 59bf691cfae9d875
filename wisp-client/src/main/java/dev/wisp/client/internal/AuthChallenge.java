package dev.wisp.client.internal;

import java.util.Locale;
import java.util.Map;

/**
 * One challenge of a {@code WWW-Authenticate} or {@code Proxy-Authenticate} field (RFC 9110 §11.6.1): the scheme,
 * lower-cased, and its parameters, names lower-cased, quoted values unquoted.
 *
 * @param scheme e.g. {@code digest}, {@code basic}
 * @param params auth-params; empty for a scheme with a token68 or nothing
 */
record AuthChallenge(String scheme, Map<String, String> params) {
    AuthChallenge {
        scheme = scheme.toLowerCase(Locale.ROOT);
        params = Map.copyOf(params);
    }

    /** A parameter's value, or null. */
    String param(String name) {
        return params.get(name);
    }
}
