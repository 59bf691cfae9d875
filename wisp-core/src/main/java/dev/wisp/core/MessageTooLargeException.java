package dev.wisp.core;

import java.util.Objects;

/**
 * A part of the message crosses a configured limit: 414 for the request line, 431 for the header section,
 * 413 for the body. {@link #limitName()} names the configuration option that was crossed.
 */
public final class MessageTooLargeException extends HttpProtocolException {
    private final String limitName;
    private final long limit;

    public MessageTooLargeException(Status status, String what, long limit, String limitName) {
        super(status, what + " exceeds " + limit + " bytes (" + limitName + ")");
        this.limitName = Objects.requireNonNull(limitName, "limitName");
        this.limit = limit;
    }

    /** Creates one with a message that states the limit in units other than bytes. */
    public MessageTooLargeException(Status status, String message, String limitName, long limit) {
        super(status, message);
        this.limitName = Objects.requireNonNull(limitName, "limitName");
        this.limit = limit;
    }

    /** The configuration option that was crossed, e.g. {@code maxHeaderBytes}. */
    public String limitName() {
        return limitName;
    }

    public long limit() {
        return limit;
    }
}
