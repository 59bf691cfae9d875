package dev.wisp.client;

/**
 * The connection could not be made for a reason other than a refusal or a timeout: no route, a proxy that refused
 * the tunnel. Open for one subclass, {@link ProxyAuthenticationException}, so that catching this still catches a
 * proxy that wants credentials.
 */
public sealed class ConnectFailedException extends HttpCallException permits ProxyAuthenticationException {
    public ConnectFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
