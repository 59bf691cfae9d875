package dev.wisp.testing;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * Ready-made certificates for TLS tests, made at test time (nothing expires in the repository): a CA, server
 * certificates for {@code localhost}, {@code 127.0.0.1} and {@code ::1}, client certificates, an expired one,
 * one for the wrong host and a self-signed one, each with an RSA 2048 or EC P-256 key. See {@link TestCertificate}
 * for the PEM and PKCS#12 encodings. Making an RSA key takes a moment: keep certificates in static fields.
 */
public final class TestCertificates {
    private static final String[] LOCALHOST = {"localhost", "127.0.0.1", "::1"};

    private TestCertificates() {
    }

    /** A CA that signs the other certificates. */
    public static TestCertificate ca(TestCertificate.KeyType keyType) {
        return TestCertificate.builder().commonName("Wisp Test CA").keyType(keyType).certificateAuthority().build();
    }

    /** A server certificate for localhost, 127.0.0.1 and ::1, issued by the CA. */
    public static TestCertificate server(TestCertificate ca, TestCertificate.KeyType keyType) {
        return TestCertificate.builder().commonName("localhost").subjectAlternativeNames(LOCALHOST)
                .keyType(keyType).issuedBy(ca).build();
    }

    /** A server certificate for other names, such as {@code *.example.com}, issued by the CA. */
    public static TestCertificate server(TestCertificate ca, TestCertificate.KeyType keyType, String... names) {
        return TestCertificate.builder().commonName(names[0]).subjectAlternativeNames(names)
                .keyType(keyType).issuedBy(ca).build();
    }

    /** A client certificate with the given common name, issued by the CA. */
    public static TestCertificate client(TestCertificate ca, String commonName, TestCertificate.KeyType keyType) {
        return TestCertificate.builder().commonName(commonName).keyType(keyType).issuedBy(ca).build();
    }

    /** A server certificate for localhost that expired yesterday. */
    public static TestCertificate expiredServer(TestCertificate ca) {
        Instant now = Instant.now();
        return TestCertificate.builder().commonName("localhost").subjectAlternativeNames(LOCALHOST)
                .validity(now.minus(Duration.ofDays(3)), now.minus(Duration.ofDays(1))).issuedBy(ca).build();
    }

    /** A server certificate issued by the CA for {@code wrong.example}, not for localhost. */
    public static TestCertificate wrongHostServer(TestCertificate ca) {
        return TestCertificate.builder().commonName("wrong.example").subjectAlternativeNames("wrong.example")
                .issuedBy(ca).build();
    }

    /** A certificate for localhost that signs itself. */
    public static TestCertificate selfSigned(TestCertificate.KeyType keyType) {
        return TestCertificate.builder().commonName("localhost").subjectAlternativeNames(LOCALHOST)
                .keyType(keyType).build();
    }

    /** A JDK client context that trusts this CA alone, for JDK peers and Wisp's client. */
    public static SSLContext trusting(TestCertificate ca) throws GeneralSecurityException, IOException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trustManagers(ca), null);
        return context;
    }

    /** The JDK's trust managers for this CA alone, for a context that also presents a certificate. */
    public static TrustManager[] trustManagers(TestCertificate ca) throws GeneralSecurityException, IOException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca.certificate());
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        return factory.getTrustManagers();
    }
}
