package dev.wisp.client.internal;

import java.util.List;
import java.util.Objects;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * Client engines from an {@link SSLContext}, secure by default: endpoint identification "HTTPS" (RFC 9110 §4.3.4:
 * the certificate must name the host), SNI for DNS names (RFC 6066 §3 forbids it for IP literals), TLS 1.3 and 1.2
 * only, and ALPN offering http/1.1. Trust comes from the context: the JDK's CA certificates for the default one.
 *
 * <p>Thread-safe.
 */
public record SslContextEngines(SSLContext context) implements ClientTlsEngines {
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    public SslContextEngines {
        Objects.requireNonNull(context, "context");
    }

    @Override
    public SSLEngine newEngine(String host, int port) {
        SSLEngine engine = context.createSSLEngine(host, port);
        engine.setUseClientMode(true);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        parameters.setProtocols(PROTOCOLS);
        parameters.setApplicationProtocols(new String[] {"http/1.1"});
        if (!isIpLiteral(host)) {
            parameters.setServerNames(List.of(new SNIHostName(host)));
        }
        engine.setSSLParameters(parameters);
        return engine;
    }

    /** Whether the host is an IPv4 or IPv6 literal rather than a DNS name. */
    static boolean isIpLiteral(String host) {
        if (host.indexOf(':') >= 0) {
            return true;
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if ((c < '0' || c > '9') && c != '.') {
                return false;
            }
        }
        return true;
    }
}
