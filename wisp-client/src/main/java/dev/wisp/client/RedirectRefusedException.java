package dev.wisp.client;

/**
 * A redirect the client will not follow: from https to http (a TLS downgrade, unless
 * {@link RedirectPolicy#allowingTlsDowngrade()}), or to a scheme other than http and https.
 */
public final class RedirectRefusedException extends HttpCallException {
    public RedirectRefusedException(String message) {
        super(message, null);
    }
}
