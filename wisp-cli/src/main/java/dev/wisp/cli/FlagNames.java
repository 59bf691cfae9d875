package dev.wisp.cli;

import java.util.Map;

/**
 * The client's error messages name the API that changes what failed (RedirectPolicy.allowingTlsDowngrade(),
 * ProxyConfig.withCredentials, callTimeout), which is right for a program and no help to someone at a shell:
 * {@code wisp get} and {@code wisp ws} name their flags for the same instead.
 */
final class FlagNames {
    /** What the client's messages say, and what {@code wisp get} says there; each text as the client writes it. */
    private static final Map<String, String> API_TO_FLAG = Map.of(
            "allow it with RedirectPolicy.allowingTlsDowngrade()", "allow it with --allow-downgrade",
            "(ProxyConfig.withCredentials, or user:password@ in the proxy URL)",
            "(-U/--proxy-user, or user:password@ in the -x URL)",
            "(maxRedirects)", "(--max-redirs)",
            "(callTimeout)", "(--max-time)",
            "(connectTimeout)", "(--connect-timeout)",
            "(handshakeTimeout)", "(--connect-timeout)",
            "is allowed by ipPreference IPV4_ONLY", "is allowed by -4",
            "is allowed by ipPreference IPV6_ONLY", "is allowed by -6");

    private FlagNames() {
    }

    /** The message with the flags of {@code wisp get} where it names the client's API. */
    static String in(String message) {
        if (message == null) {
            return null;
        }
        String text = message;
        for (Map.Entry<String, String> named : API_TO_FLAG.entrySet()) {
            text = text.replace(named.getKey(), named.getValue());
        }
        return text;
    }
}
