package dev.wisp.client;

/**
 * The proxy answered the {@code CONNECT} for a tunnel with a status other than 2xx and other than a demand for
 * credentials ({@link ProxyAuthenticationException}): a 403 for a host it does not serve, a 502 for one it could not
 * reach. The proxy was reached; what it refused is the way through.
 */
public final class ProxyTunnelRefusedException extends ConnectFailedException {
    private final int status;

    public ProxyTunnelRefusedException(String message, int status) {
        super(message, null);
        this.status = status;
    }

    /** The status the proxy answered the CONNECT with. */
    public int status() {
        return status;
    }
}
