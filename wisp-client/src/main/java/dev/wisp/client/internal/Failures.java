package dev.wisp.client.internal;

import dev.wisp.client.ConnectionClosedException;
import dev.wisp.client.HttpCallException;
import dev.wisp.client.ResponseProtocolException;
import dev.wisp.client.TimeoutExceededException;
import dev.wisp.client.TimeoutExceededException.Timeout;
import dev.wisp.core.HttpProtocolException;
import dev.wisp.core.MessageTooLargeException;
import java.io.IOException;
import java.time.Duration;

/**
 * The one place that decides what an I/O failure during an exchange means for the caller: canceled, which
 * timeout, a broken response, or a connection that closed, each with where it happened.
 */
final class Failures {
    private Failures() {
    }

    /** Where in the exchange a failure happened, for the message. */
    enum Phase {
        SENDING("while sending the request"),
        AWAITING_RESPONSE("before the response"),
        READING_HEAD("in the response head"),
        READING_BODY("in the middle of the response body");

        final String where;

        Phase(String where) {
            this.where = where;
        }
    }

    static HttpCallException map(IOException e, CallContext call, Http1ClientConnection connection, Phase phase) {
        if (e instanceof HttpCallException typed) {
            return typed;
        }
        if (call.isCanceled()) {
            return call.canceledException();
        }
        Timeout expired = connection.expired();
        if (expired != null) {
            return new TimeoutExceededException(expired, call.request() + " " + phase.where,
                    limit(expired, call));
        }
        if (e instanceof HttpProtocolException protocol) {
            String limitName = protocol instanceof MessageTooLargeException tooLarge ? tooLarge.limitName() : null;
            return new ResponseProtocolException("invalid response from " + connection.origin() + ": "
                    + protocol.getMessage(), limitName, protocol);
        }
        String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new ConnectionClosedException("connection to " + connection.origin() + " closed " + phase.where
                + ": " + detail, false, e);
    }

    private static Duration limit(Timeout timeout, CallContext call) {
        return switch (timeout) {
            case CONNECT -> call.config().connectTimeout();
            case HANDSHAKE -> call.config().tls().handshakeTimeout();
            case READ -> call.config().readTimeout();
            case WRITE -> call.config().writeTimeout();
            case CALL -> call.config().callTimeout().orElse(Duration.ZERO);
        };
    }
}
