package dev.wisp.client;

import java.util.Optional;

/**
 * The response broke HTTP/1.1 (a malformed status line or field, conflicting framing, a bad chunk) or crossed one
 * of the client's limits, named by {@link #limitName()} as in {@link ClientConfig}. The connection is closed.
 */
public final class ResponseProtocolException extends HttpCallException {
    private final String limitName;

    public ResponseProtocolException(String message, String limitName, Throwable cause) {
        super(message, cause);
        this.limitName = limitName;
    }

    /** The {@link ClientConfig} option the response crossed, if a limit is what failed. */
    public Optional<String> limitName() {
        return Optional.ofNullable(limitName);
    }
}
