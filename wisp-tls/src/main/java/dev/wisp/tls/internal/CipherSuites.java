package dev.wisp.tls.internal;

import java.security.KeyManagementException;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * The cipher suites Wisp allows: the TLS 1.3 suites (all AEAD, all forward secret) and the TLS 1.2 suites with an
 * ECDHE key exchange and an AEAD cipher (AES-GCM, ChaCha20-Poly1305), as the JDK names them. Stateless.
 */
public final class CipherSuites {
    private CipherSuites() {
    }

    /** The JDK's enabled default suites that Wisp allows, in the JDK's order of preference. */
    public static List<String> recommended() {
        return Arrays.stream(BareContext.INSTANCE.getDefaultSSLParameters().getCipherSuites())
                .filter(CipherSuites::isAllowed)
                .toList();
    }

    /** Every suite this JDK supports, enabled by default or not. */
    public static Set<String> supported() {
        return Set.of(BareContext.INSTANCE.getSupportedSSLParameters().getCipherSuites());
    }

    /** Whether a suite is TLS 1.3, or TLS 1.2 with ECDHE (forward secrecy) and an AEAD cipher. */
    public static boolean isAllowed(String suite) {
        return isTls13(suite) || suite.startsWith("TLS_ECDHE_")
                && (suite.contains("_GCM_") || suite.endsWith("_CHACHA20_POLY1305_SHA256"));
    }

    /** Whether a suite is one of TLS 1.3's (RFC 8446 §B.4), which name no key exchange. */
    public static boolean isTls13(String suite) {
        return suite.startsWith("TLS_AES_") || suite.startsWith("TLS_CHACHA20_");
    }

    /**
     * A TLS context with no key or trust material, made once, for the suites' names: the JDK's default context would
     * do, but making it loads the default trust store (some 150 certificates parsed: 60 to 110 ms at a
     * command's start) and key managers, which a configuration with its own CA file, or none, never uses.
     */
    private static final class BareContext {
        static final SSLContext INSTANCE = make();

        private static SSLContext make() {
            try {
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(new KeyManager[0], new TrustManager[0], null);
                return context;
            } catch (NoSuchAlgorithmException | KeyManagementException e) {
                throw new IllegalStateException("this JDK has no TLS context", e);
            }
        }
    }
}
