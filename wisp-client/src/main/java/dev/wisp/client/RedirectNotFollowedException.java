package dev.wisp.client;

import dev.wisp.core.ResponseHead;
import java.util.Objects;

/**
 * A call ended at a redirect it did not follow: past {@link RedirectPolicy#maxRedirects()}, or to a target it may not
 * go to; that redirect's body was dropped. It keeps the redirect's request and response head, for a caller that
 * reports them (as curl's {@code -w} reports the status and {@code redirect_url}).
 */
public abstract sealed class RedirectNotFollowedException extends HttpCallException
        permits TooManyRedirectsException, RedirectRefusedException {
    private final Request request;
    private final ResponseHead response;

    RedirectNotFollowedException(String message, Request request, ResponseHead response) {
        super(message, null);
        this.request = Objects.requireNonNull(request, "request");
        this.response = Objects.requireNonNull(response, "response");
    }

    /** The request that the redirect answered. */
    public Request request() {
        return request;
    }

    /** The head of the redirect, the one not followed. */
    public ResponseHead response() {
        return response;
    }
}
