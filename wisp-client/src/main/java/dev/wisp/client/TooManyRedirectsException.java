package dev.wisp.client;

import dev.wisp.core.ResponseHead;
import java.util.Objects;

/**
 * A call met more redirects than {@link RedirectPolicy#maxRedirects()} allows; the last one's body was dropped. It
 * keeps that redirect's request and response head, for a caller that reports them (as curl's {@code -w} does).
 */
public final class TooManyRedirectsException extends HttpCallException {
    private final Request request;
    private final ResponseHead response;

    public TooManyRedirectsException(String message, Request request, ResponseHead response) {
        super(message, null);
        this.request = Objects.requireNonNull(request, "request");
        this.response = Objects.requireNonNull(response, "response");
    }

    /** The request that the last redirect answered. */
    public Request request() {
        return request;
    }

    /** The head of the last redirect, the one not followed. */
    public ResponseHead response() {
        return response;
    }
}
