package dev.wisp.client;

/** The host name did not resolve to any address (DNS). */
public final class UnresolvedHostException extends HttpCallException {
    private final String host;

    public UnresolvedHostException(String host, Throwable cause) {
        super("cannot resolve host '" + host + "'", cause);
        this.host = host;
    }

    /** The name that did not resolve. */
    public String host() {
        return host;
    }
}
