package dev.wisp.websocket.internal;

import dev.wisp.transport.NextInput;
import dev.wisp.transport.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A WebSocket session's channel over a whole connection (RFC 6455 after an HTTP/1.1 upgrade): every method is the
 * transport's, and closing or aborting closes it. An owner that holds the transport already (the server's WebSocket
 * connection) implements it itself, so an idle WebSocket holds no object more for it; others use {@link #of}.
 * Thread-safe as the transport is.
 */
public interface TransportChannel extends SessionChannel {
    /** The transport the session runs over. */
    Transport transport();

    /** A channel over this transport. */
    static TransportChannel of(Transport transport) {
        return () -> transport;
    }

    @Override
    default InputStream input() {
        return transport().input();
    }

    @Override
    default OutputStream output() {
        return transport().output();
    }

    @Override
    default void readDeadline(long deadlineNanos) {
        transport().readDeadline(deadlineNanos);
    }

    @Override
    default long writeDeadlineNanos() {
        return transport().writeDeadlineNanos();
    }

    @Override
    default boolean awaitInput(long nanos) throws IOException {
        return transport().awaitInput(nanos);
    }

    @Override
    default void beforeWaiting() throws IOException {
        NextInput.beforeWaiting(transport());
    }

    @Override
    default void shutdownOutput() throws IOException {
        transport().shutdownOutput();
    }

    @Override
    default void close(boolean closeSent) throws IOException {
        transport().close();
    }

    @Override
    default void abort() throws IOException {
        transport().close();
    }
}
