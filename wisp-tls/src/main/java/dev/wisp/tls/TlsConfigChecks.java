package dev.wisp.tls;

import dev.wisp.tls.internal.CipherSuites;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import javax.net.ssl.SNIHostName;

/**
 * The option checks of {@link TlsConfig.Builder#build()} (material is checked by {@link TlsMaterial}), and the
 * WARNING log lines for the client relaxations in use, written once per built configuration.
 */
final class TlsConfigChecks {
    private static final System.Logger LOG = System.getLogger(TlsConfig.class.getName());
    /** RFC 8446 §4.6.1: a ticket lifetime above seven days is not allowed; the JDK then sends no ticket at all. */
    static final Duration MAX_SESSION_TIMEOUT = Duration.ofDays(7);

    private TlsConfigChecks() {
    }

    static void check(TlsConfig config) {
        if (config.protocols.isEmpty()) {
            throw new TlsConfigException("protocols is empty: allow TLSv1.3, TLSv1.2 or both");
        }
        checkCipherSuites(config);
        checkAlpn(config);
        if (config.serverName != null) {
            try {
                new SNIHostName(config.serverName);
            } catch (IllegalArgumentException e) {
                throw new TlsConfigException("serverName '" + config.serverName + "' is not a valid SNI host name");
            }
        }
        if (config.clientAuth != ClientAuth.NONE && config.trustedPems.isEmpty() && config.trustedObjects.isEmpty()) {
            throw new TlsConfigException("client authentication " + config.clientAuth
                    + " needs the CA certificates of the clients (trustedCertificates)");
        }
        if (config.sessionCacheSize < 1) {
            throw new TlsConfigException("sessionCacheSize must be at least 1, was " + config.sessionCacheSize);
        }
        if (config.sessionTimeout.compareTo(Duration.ofSeconds(1)) < 0
                || config.sessionTimeout.compareTo(MAX_SESSION_TIMEOUT) > 0) {
            throw new TlsConfigException("sessionTimeout must be from 1 second to 7 days, was "
                    + config.sessionTimeout);
        }
        if (config.handshakeTimeout.isNegative() || config.handshakeTimeout.isZero()) {
            throw new TlsConfigException("handshakeTimeout must be positive, was " + config.handshakeTimeout);
        }
    }

    private static void checkCipherSuites(TlsConfig config) {
        if (config.cipherSuites.isEmpty()) {
            throw new TlsConfigException("cipherSuites is empty");
        }
        Set<String> supported = CipherSuites.supported();
        boolean tls13 = false;
        boolean tls12 = false;
        for (String suite : config.cipherSuites) {
            if (!CipherSuites.isAllowed(suite)) {
                throw new TlsConfigException("cipher suite " + suite + " is not allowed: only TLS 1.3 suites and "
                        + "TLS 1.2 suites with ECDHE and AES-GCM or ChaCha20-Poly1305");
            }
            if (!supported.contains(suite)) {
                throw new TlsConfigException("cipher suite " + suite + " is not supported by this JDK");
            }
            tls13 |= CipherSuites.isTls13(suite);
            tls12 |= !CipherSuites.isTls13(suite);
        }
        for (TlsVersion version : config.protocols) {
            if (version == TlsVersion.TLS_1_3 ? !tls13 : !tls12) {
                throw new TlsConfigException("no cipher suite for " + version.javaName() + " in cipherSuites");
            }
        }
    }

    private static void checkAlpn(TlsConfig config) {
        Set<String> seen = new HashSet<>();
        for (String protocol : config.alpnProtocols) {
            int length = protocol.getBytes(StandardCharsets.UTF_8).length;
            // RFC 7301 §3.1: a ProtocolName is 1 to 255 bytes.
            if (length == 0 || length > 255) {
                throw new TlsConfigException("ALPN protocol name must be 1 to 255 bytes, '" + protocol + "' is "
                        + length);
            }
            if (!seen.add(protocol)) {
                throw new TlsConfigException("ALPN protocol '" + protocol + "' is listed twice");
            }
        }
    }

    static void warnRelaxations(TlsConfig config) {
        if (config.insecureTrustAll) {
            LOG.log(System.Logger.Level.WARNING, "TLS: insecureTrustAll: any server certificate is accepted for any "
                    + "host; connections are open to interception");
        }
        if (config.allowSelfSigned) {
            LOG.log(System.Logger.Level.WARNING, "TLS: allowSelfSigned: self-signed server certificates are accepted");
        }
        if (config.allowExpired) {
            LOG.log(System.Logger.Level.WARNING, "TLS: allowExpired: expired server certificates are accepted");
        }
        if (config.skipHostnameVerification) {
            LOG.log(System.Logger.Level.WARNING, "TLS: skipHostnameVerification: server certificates are not checked "
                    + "against the host name");
        }
    }
}
