package dev.wisp.client;

/**
 * Whether and how far a client follows redirects (301, 302, 303, 307, 308 with a {@code Location}), with the rules
 * of RFC 9110 §15.4: a 303, and a 301 or 302 after a POST, become a GET without a body; a 307 or 308 keeps the
 * method and the body, when the body can be sent again (otherwise the redirect itself is the response). On a
 * redirect to another origin, {@code Authorization}, {@code Proxy-Authorization}, {@code Cookie} and {@code Host}
 * fields set on the request and its {@link Credentials} are dropped; cookies come from the {@link CookieJar} for
 * each hop's own URI. Each hop is an {@link EventListener#redirected} event.
 *
 * <p>Immutable.
 *
 * <table>
 *   <caption>Limits</caption>
 *   <tr><th>option</th><th>default</th><th>when crossed</th></tr>
 *   <tr><td>{@code maxRedirects}</td><td>10</td><td>{@link TooManyRedirectsException}</td></tr>
 *   <tr><td>TLS downgrade</td><td>refused</td><td>a redirect from https to http fails with
 *       {@link RedirectRefusedException}, unless {@link #allowingTlsDowngrade()}</td></tr>
 * </table>
 */
public final class RedirectPolicy {
    private static final RedirectPolicy NONE = new RedirectPolicy(false, 0, false);
    private static final RedirectPolicy FOLLOW = new RedirectPolicy(true, 10, false);

    private final boolean follows;
    private final int maxRedirects;
    private final boolean allowsTlsDowngrade;

    private RedirectPolicy(boolean follows, int maxRedirects, boolean allowsTlsDowngrade) {
        this.follows = follows;
        this.maxRedirects = maxRedirects;
        this.allowsTlsDowngrade = allowsTlsDowngrade;
    }

    /** Follows up to 10 redirects, refusing https to http: the client's default. */
    public static RedirectPolicy follow() {
        return FOLLOW;
    }

    /** Follows none: a redirect is the response (libwebsockets' {@code LCCSCF_HTTP_NO_FOLLOW_REDIRECT}). */
    public static RedirectPolicy none() {
        return NONE;
    }

    /**
     * This policy with another maximum; zero follows none but fails on the first redirect, as curl's
     * {@code --max-redirs 0} does.
     *
     * @throws IllegalArgumentException if negative
     */
    public RedirectPolicy withMaxRedirects(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("maxRedirects must not be negative: " + count);
        }
        return new RedirectPolicy(true, count, allowsTlsDowngrade);
    }

    /**
     * This policy, also following a redirect from https to http, which sends the next request in clear text
     * (libwebsockets' {@code LCCSCF_ACCEPT_TLS_DOWNGRADE_REDIRECTS}).
     */
    public RedirectPolicy allowingTlsDowngrade() {
        return new RedirectPolicy(follows, maxRedirects, true);
    }

    /** Whether redirects are followed at all. */
    public boolean follows() {
        return follows;
    }

    public int maxRedirects() {
        return maxRedirects;
    }

    public boolean allowsTlsDowngrade() {
        return allowsTlsDowngrade;
    }

    @Override
    public String toString() {
        return follows ? "follow up to " + maxRedirects + (allowsTlsDowngrade ? ", TLS downgrade allowed" : "")
                : "no redirects";
    }
}
