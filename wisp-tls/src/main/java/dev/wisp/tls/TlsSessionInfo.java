package dev.wisp.tls;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * The facts of a TLS session after its handshake, for connection callbacks and handlers.
 *
 * <p>The JDK has no public "was this session resumed" flag (libwebsockets has {@code lws_tls_session_is_reused}).
 * A resumed session, from the session cache or from a ticket, keeps the creation time of the handshake that made
 * it, so a session created before this handshake started was resumed.
 *
 * @param protocol         the negotiated version, such as {@code "TLSv1.3"}
 * @param cipherSuite      the negotiated suite, JDK name
 * @param alpnProtocol     the ALPN result, empty when none was agreed
 * @param serverName       the SNI host name the client asked for, empty when none
 * @param peerCertificates the verified peer chain, leaf first; empty when the peer sent none
 * @param resumed          whether the session was resumed rather than fully negotiated
 */
public record TlsSessionInfo(String protocol, String cipherSuite, Optional<String> alpnProtocol,
        Optional<String> serverName, List<X509Certificate> peerCertificates, boolean resumed) {
    /** Copies the peer chain and checks for nulls. */
    public TlsSessionInfo {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(cipherSuite, "cipherSuite");
        Objects.requireNonNull(alpnProtocol, "alpnProtocol");
        Objects.requireNonNull(serverName, "serverName");
        peerCertificates = List.copyOf(peerCertificates);
    }

    /**
     * The facts of an engine whose handshake is complete.
     *
     * @param handshakeStarted when the handshake began
     */
    public static TlsSessionInfo of(SSLEngine engine, Instant handshakeStarted) {
        return of(engine.getSession(), engine.getApplicationProtocol(), handshakeStarted);
    }

    /** The facts of a socket whose handshake is complete. */
    public static TlsSessionInfo of(SSLSocket socket, Instant handshakeStarted) {
        return of(socket.getSession(), socket.getApplicationProtocol(), handshakeStarted);
    }

    private static TlsSessionInfo of(SSLSession session, String alpn, Instant handshakeStarted) {
        return new TlsSessionInfo(session.getProtocol(), session.getCipherSuite(),
                alpn == null || alpn.isEmpty() ? Optional.empty() : Optional.of(alpn),
                serverName(session), peerCertificates(session),
                session.getCreationTime() < handshakeStarted.toEpochMilli());
    }

    private static Optional<String> serverName(SSLSession session) {
        if (session instanceof ExtendedSSLSession extended) {
            for (SNIServerName name : extended.getRequestedServerNames()) {
                if (name instanceof SNIHostName host) {
                    return Optional.of(host.getAsciiName());
                }
            }
        }
        return Optional.empty();
    }

    private static List<X509Certificate> peerCertificates(SSLSession session) {
        List<X509Certificate> chain = new ArrayList<>();
        try {
            for (Certificate certificate : session.getPeerCertificates()) {
                if (certificate instanceof X509Certificate x509) {
                    chain.add(x509);
                }
            }
        } catch (SSLPeerUnverifiedException e) {
            return List.of();
        }
        return chain;
    }
}
