package dev.wisp.server.internal;

import dev.wisp.core.BodyInputStream;
import java.io.IOException;

/**
 * A request body whose first read sends the interim {@code 100 Continue} (RFC 9110 §10.1.1), so a handler that
 * answers without reading never invites a body it does not want.
 *
 * <p>Used by the exchange's thread only.
 */
final class ContinueBodyInputStream extends ForwardingBodyInputStream {
    /** Sends the interim response. */
    @FunctionalInterface
    interface ContinueSender {
        void sendContinue() throws IOException;
    }

    private final ContinueSender sender;
    private boolean sent;

    ContinueBodyInputStream(BodyInputStream body, ContinueSender sender) {
        super(body);
        this.sender = sender;
    }

    boolean isContinueSent() {
        return sent;
    }

    private void sendOnce() throws IOException {
        if (!sent) {
            sent = true;
            sender.sendContinue();
        }
    }

    @Override
    public int read() throws IOException {
        sendOnce();
        return body.read();
    }

    @Override
    public int read(byte[] bytes, int offset, int length) throws IOException {
        sendOnce();
        return body.read(bytes, offset, length);
    }

    @Override
    public int available() throws IOException {
        return sent ? body.available() : 0;
    }
}
