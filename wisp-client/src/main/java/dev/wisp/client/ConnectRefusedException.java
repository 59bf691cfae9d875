package dev.wisp.client;

/** Every address of the origin refused the TCP connection: nothing listens there. */
public final class ConnectRefusedException extends HttpCallException {
    public ConnectRefusedException(String message, Throwable cause) {
        super(message, cause);
    }
}
