package dev.wisp.client;

import dev.wisp.core.Ascii;
import dev.wisp.core.Headers;
import dev.wisp.core.Status;

/**
 * The server answered an {@link EventSource}'s request with something other than an event stream: a status other
 * than 200 (and 204, which ends the source quietly), or a 200 whose {@code Content-Type} is not
 * {@code text/event-stream}. A 4xx or such a 200 ends the source at once, as browsers end theirs; a 5xx is retried as
 * the reconnect policy says and reported only when it gives up. The start of the body is kept (4 KiB at most).
 */
public final class EventSourceRefusedException extends HttpCallException {
    private final Status status;
    private final Headers headers;
    private final byte[] body;

    public EventSourceRefusedException(String target, Status status, Headers headers, byte[] body) {
        super("event stream " + target + " refused: " + status + describe(headers, body), null);
        this.status = status;
        this.headers = headers;
        this.body = body.clone();
    }

    private static String describe(Headers headers, byte[] body) {
        String type = headers.firstOrNull("Content-Type");
        return (type == null ? ", no Content-Type" : ", Content-Type " + Ascii.escape(type)) + quoteBody(body);
    }

    /** The status the server answered. */
    public Status status() {
        return status;
    }

    /** The response's header fields. */
    public Headers headers() {
        return headers;
    }

    /** The start of the response's body, at most 4 KiB. */
    public byte[] body() {
        return body.clone();
    }
}
