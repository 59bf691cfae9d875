package dev.wisp.tls;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Verifies peer certificates with the JDK's PKIX trust manager over the configured trusted certificates (or the
 * JDK's trust store), and applies the client relaxations a configuration names explicitly.
 *
 * <p>It is a plain {@link X509TrustManager} on purpose: the JDK wraps such a trust manager and then checks the
 * host name itself when the engine's endpoint identification algorithm is set ({@code "HTTPS"}), so hostname
 * verification stays the JDK's. Thread-safe. The JDK's trust manager over the trusted certificates is built by
 * {@link #delegateFor} and read from the supplier at each check, so that a reload swaps it in together with the
 * identities (see {@link TlsContext#reload()}).
 */
final class PeerTrustManager implements X509TrustManager {
    /** The delegate where every server is trusted: it is asked of clients only (a server's role), and takes none. */
    private static final X509TrustManager TRUSTS_NOTHING = new X509TrustManager() {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("no client certificate is trusted by a configuration that trusts all"
                    + " servers");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("not checked here: every server is trusted");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    };

    private final boolean trustAll;
    private final boolean allowSelfSigned;
    private final boolean allowExpired;
    private final Supplier<X509TrustManager> delegate;

    PeerTrustManager(TlsConfig config, Supplier<X509TrustManager> delegate) {
        trustAll = config.insecureTrustAll;
        allowSelfSigned = config.allowSelfSigned;
        allowExpired = config.allowExpired;
        this.delegate = delegate;
    }

    /**
     * Builds the JDK's trust manager over trusted certificates (empty: the JDK's trust store). With {@code trustsAll}
     * ({@code insecureTrustAll}) and no certificates of its own, none: the server's chain is not checked, and reading
     * the JDK's store would cost a tenth of a second for nothing ({@code wisp get -k}).
     *
     * @throws TlsConfigException when the JDK cannot build it
     */
    static X509TrustManager delegateFor(List<X509Certificate> trusted, boolean trustsAll) {
        if (trustsAll && trusted.isEmpty()) {
            return TRUSTS_NOTHING;
        }
        try {
            KeyStore store = null;
            if (!trusted.isEmpty()) {
                store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                for (int i = 0; i < trusted.size(); i++) {
                    store.setCertificateEntry("ca-" + i, trusted.get(i));
                }
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509TrustManager x509) {
                    return x509;
                }
            }
            throw new TlsConfigException("the JDK's trust manager factory gives no X.509 trust manager");
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new TlsConfigException("cannot set up the trusted certificates: " + e.getMessage(), e);
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        delegate.get().checkClientTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        if (trustAll) {
            return;
        }
        try {
            delegate.get().checkServerTrusted(chain, authType);
        } catch (CertificateException e) {
            if (allowSelfSigned && chain.length == 1 && isSelfSigned(chain[0])) {
                if (!allowExpired) {
                    chain[0].checkValidity();
                }
                return;
            }
            if (allowExpired && !validNow(chain) && validatesWhenValid(chain)) {
                return;
            }
            throw e;
        }
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return delegate.get().getAcceptedIssuers();
    }

    private static boolean isSelfSigned(X509Certificate certificate) {
        if (!certificate.getIssuerX500Principal().equals(certificate.getSubjectX500Principal())) {
            return false;
        }
        try {
            certificate.verify(certificate.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static boolean validNow(X509Certificate[] chain) {
        try {
            for (X509Certificate certificate : chain) {
                certificate.checkValidity();
            }
            return true;
        } catch (CertificateException e) {
            return false;
        }
    }

    /**
     * Validates the chain as PKIX would at the last moment all its certificates were valid together: the
     * signatures, names and constraints are still checked, only the clock is moved.
     */
    private boolean validatesWhenValid(X509Certificate[] chain) {
        long notBefore = Arrays.stream(chain).mapToLong(c -> c.getNotBefore().getTime()).max().orElseThrow();
        long notAfter = Arrays.stream(chain).mapToLong(c -> c.getNotAfter().getTime()).min().orElseThrow();
        if (notBefore > notAfter) {
            return false;
        }
        try {
            Set<TrustAnchor> anchors = new HashSet<>();
            Set<X509Certificate> anchorCertificates = new HashSet<>();
            for (X509Certificate anchor : delegate.get().getAcceptedIssuers()) {
                anchors.add(new TrustAnchor(anchor, null));
                anchorCertificates.add(anchor);
            }
            List<X509Certificate> path = new ArrayList<>(Arrays.asList(chain));
            path.removeIf(anchorCertificates::contains);
            if (path.isEmpty()) {
                return true;
            }
            if (anchors.isEmpty()) {
                return false;
            }
            PKIXParameters parameters = new PKIXParameters(anchors);
            parameters.setRevocationEnabled(false);
            parameters.setDate(new Date(notAfter));
            CertPathValidator.getInstance("PKIX")
                    .validate(CertificateFactory.getInstance("X.509").generateCertPath(path), parameters);
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
