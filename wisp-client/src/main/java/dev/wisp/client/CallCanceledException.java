package dev.wisp.client;

/** The call was canceled by {@link Call#cancel()} (or its future was canceled); its connection was closed. */
public final class CallCanceledException extends HttpCallException {
    public CallCanceledException(String message) {
        super(message, null);
    }
}
