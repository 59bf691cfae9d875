package dev.wisp.client;

/**
 * The request crosses a limit the server announced, named by {@link #limitName()} (an HTTP/2 server's
 * {@code SETTINGS_MAX_HEADER_LIST_SIZE}, RFC 9113 §6.5.2): the client did not send it, since the server would refuse
 * it, and the connection goes on serving other calls.
 */
public final class RequestTooLargeException extends HttpCallException {
    private final String limitName;
    private final long limit;

    public RequestTooLargeException(String message, String limitName, long limit) {
        super(message, null);
        this.limitName = limitName;
        this.limit = limit;
    }

    /** The server's limit the request crossed, as the protocol names it. */
    public String limitName() {
        return limitName;
    }

    /** The value of that limit. */
    public long limit() {
        return limit;
    }
}
