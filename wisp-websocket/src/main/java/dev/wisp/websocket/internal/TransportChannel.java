package dev.wisp.websocket.internal;

import dev.wisp.transport.NextInput;
import dev.wisp.transport.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A WebSocket session's channel over a whole connection (RFC 6455 after an HTTP/1.1 upgrade): closing or aborting
 * it closes the transport. Thread-safe as the transport is.
 */
record TransportChannel(Transport transport) implements SessionChannel {
    @Override
    public InputStream input() {
        return transport.input();
    }

    @Override
    public OutputStream output() {
        return transport.output();
    }

    @Override
    public void readDeadline(long deadlineNanos) {
        transport.readDeadline(deadlineNanos);
    }

    @Override
    public long writeDeadlineNanos() {
        return transport.writeDeadlineNanos();
    }

    @Override
    public boolean awaitInput(long nanos) throws IOException {
        return transport.awaitInput(nanos);
    }

    @Override
    public void beforeWaiting() throws IOException {
        NextInput.beforeWaiting(transport);
    }

    @Override
    public void shutdownOutput() throws IOException {
        transport.shutdownOutput();
    }

    @Override
    public void close(boolean closeSent) throws IOException {
        transport.close();
    }

    @Override
    public void abort() throws IOException {
        transport.close();
    }
}
