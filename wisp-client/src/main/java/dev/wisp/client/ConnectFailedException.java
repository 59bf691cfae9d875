package dev.wisp.client;

/**
 * The connection could not be made for a reason other than a refusal or a timeout: no route, a proxy that refused
 * the tunnel. Open for two subclasses, {@link ProxyAuthenticationException} and {@link SocksProxyException}, so
 * that catching this still catches a proxy that wants credentials or refused a SOCKS request.
 */
public sealed class ConnectFailedException extends HttpCallException
        permits ProxyAuthenticationException, ProxyTunnelRefusedException, SocksProxyException {
    public ConnectFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
