package dev.wisp.proxy;

/**
 * Which fields tell the upstream server who asked and how: the client's address, the scheme and the host it used.
 * Set with {@link ReverseProxy.Builder#forwardedHeaders(ForwardedHeaders)}.
 */
public enum ForwardedHeaders {
    /**
     * The default: {@code X-Forwarded-For}, {@code X-Forwarded-Proto} and {@code X-Forwarded-Host}, the fields most
     * servers and frameworks read (as Jetty's and Caddy's proxies send them).
     */
    X_FORWARDED,
    /** The standard {@code Forwarded} field of RFC 7239 ({@code for}, {@code proto}, {@code host}). */
    FORWARDED,
    /** Both of the above. */
    BOTH,
    /** Neither: such fields the client sent are still removed unless they are trusted. */
    NONE;

    boolean sendsXForwarded() {
        return this == X_FORWARDED || this == BOTH;
    }

    boolean sendsForwarded() {
        return this == FORWARDED || this == BOTH;
    }
}
