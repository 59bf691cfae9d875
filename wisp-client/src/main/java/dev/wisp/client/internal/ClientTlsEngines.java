package dev.wisp.client.internal;

import javax.net.ssl.SSLEngine;

/**
 * Makes the client-mode TLS engine for each new connection, set up to verify the server's certificate against
 * the host name. This is the one seam TLS configuration plugs into: today it is built from an
 * {@link javax.net.ssl.SSLContext} ({@link SslContextEngines}); a richer TLS configuration supplies its own.
 */
public interface ClientTlsEngines {
    /** A client-mode engine for a connection to host and port (both also select the session to resume). */
    SSLEngine newEngine(String host, int port);

    /** The context the engines come from, which sizes the record buffers. */
    javax.net.ssl.SSLContext context();
}
