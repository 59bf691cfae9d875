package dev.wisp.client;

import dev.wisp.core.ResponseHead;

/**
 * A redirect the client will not follow: from https to http (a TLS downgrade, unless
 * {@link RedirectPolicy#allowingTlsDowngrade()}), or to a scheme other than http and https. The redirect's request
 * and response head are kept ({@link #request()}, {@link #response()}).
 */
public final class RedirectRefusedException extends RedirectNotFollowedException {
    public RedirectRefusedException(String message, Request request, ResponseHead response) {
        super(message, request, response);
    }
}
