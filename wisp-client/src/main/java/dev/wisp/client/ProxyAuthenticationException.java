package dev.wisp.client;

import dev.wisp.core.ResponseHead;
import java.util.List;
import java.util.Objects;

/**
 * The proxy answered {@code 407 Proxy Authentication Required} (RFC 9110 §15.5.8), or a {@code 401} to a
 * {@code CONNECT} (tinyproxy's answer to credentials it refuses): no credentials were given for it, or it refused
 * those sent. Carries the proxy's response head, whose {@code Proxy-Authenticate} fields say what it
 * wants; the connection is closed.
 */
public final class ProxyAuthenticationException extends ConnectFailedException {
    private final transient ResponseHead response;
    private final boolean credentialsRefused;

    public ProxyAuthenticationException(ProxyConfig proxy, ResponseHead response, boolean credentialsSent) {
        super("proxy " + proxy.host() + ":" + proxy.port() + " requires authentication ("
                + response.status() + "): " + (credentialsSent ? "it refused the credentials given"
                : "no credentials given for it (ProxyConfig.withCredentials, or user:password@ in the proxy URL)"),
                null);
        this.response = Objects.requireNonNull(response, "response");
        this.credentialsRefused = credentialsSent;
    }

    /** The proxy's response head: status, and the {@code Proxy-Authenticate} challenges among its fields. */
    public ResponseHead response() {
        return response;
    }

    /** The proxy's {@code Proxy-Authenticate} challenges, such as {@code Basic realm="proxy"}. */
    public List<String> challenges() {
        return response.headers().all("Proxy-Authenticate");
    }

    /** Whether credentials were sent and refused, rather than missing. */
    public boolean credentialsRefused() {
        return credentialsRefused;
    }
}
