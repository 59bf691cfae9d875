package dev.wisp.client;

import dev.wisp.core.ResponseHead;

/**
 * A call met more redirects than {@link RedirectPolicy#maxRedirects()} allows; the last one's body was dropped, and its
 * request and response head are kept ({@link #request()}, {@link #response()}).
 */
public final class TooManyRedirectsException extends RedirectNotFollowedException {
    public TooManyRedirectsException(String message, Request request, ResponseHead response) {
        super(message, request, response);
    }
}
