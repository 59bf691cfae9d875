package dev.wisp.transport;

import java.io.IOException;

/**
 * A read refused because the server sheds load: the heap is nearly full ({@link HeapPressure}), and the bytes it
 * would take in would need memory to hold. The connection is to be closed; a protocol may answer first (HTTP/1.1
 * with 503).
 */
public final class LoadShedException extends IOException {
    private static final long serialVersionUID = 1L;

    public LoadShedException() {
        super("load shed: the heap is nearly full");
    }

    /** No stack trace: made while memory is short, for a cause that is the heap's, not the caller's. */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
