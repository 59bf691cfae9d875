package dev.wisp.server;

import dev.wisp.core.Headers;
import dev.wisp.core.HttpProtocolException;
import dev.wisp.core.Status;
import java.util.Objects;

/**
 * Refuses a request with a whole answer: the status, these header fields and this body, where an
 * {@link HttpProtocolException} answers its status with its message. For a handler that passes on another server's
 * refusal, a WebSocket relay's {@link WebSocketHandler} above all: its upstream's 401 goes back with its
 * {@code WWW-Authenticate} and body, as a proxied request's would.
 *
 * <p>The server answers it as it answers an {@code HttpProtocolException}, with its own framing: the fields that
 * frame the message or manage the connection ({@code Content-Length}, {@code Transfer-Encoding}, {@code Connection}
 * and the fields it names, {@code Keep-Alive}, {@code Upgrade}, {@code TE}, {@code Trailer}) are not sent.
 */
public final class HttpRefusalException extends HttpProtocolException {
    private final Headers headers;
    private final byte[] body;

    /**
     * @param message why, for the log
     * @param headers the answer's fields, {@code Content-Type} among them
     * @param body the answer's content
     */
    public HttpRefusalException(Status status, String message, Headers headers, byte[] body) {
        super(status, message);
        this.headers = Objects.requireNonNull(headers, "headers");
        this.body = body.clone();
    }

    /** The answer's header fields, as given. */
    public Headers headers() {
        return headers;
    }

    /** The answer's content. */
    public byte[] body() {
        return body.clone();
    }
}
