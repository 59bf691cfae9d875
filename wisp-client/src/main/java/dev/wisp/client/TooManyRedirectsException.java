package dev.wisp.client;

/** A call met more redirects than {@link RedirectPolicy#maxRedirects()} allows; the last one's body was dropped. */
public final class TooManyRedirectsException extends HttpCallException {
    public TooManyRedirectsException(String message) {
        super(message, null);
    }
}
