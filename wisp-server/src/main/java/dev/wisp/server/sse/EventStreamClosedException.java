package dev.wisp.server.sse;

import java.io.IOException;

/** A send on an {@link EventStream} that had ended: the client left, a write failed, or it was closed. */
public final class EventStreamClosedException extends IOException {
    public EventStreamClosedException(String message) {
        super(message);
    }

    public EventStreamClosedException(String message, Throwable cause) {
        super(message, cause);
    }
}
