package dev.wisp.client;

/** The TCP connection could not be made for a reason other than a refusal or a timeout (no route, say). */
public final class ConnectFailedException extends HttpCallException {
    public ConnectFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
