package dev.wisp.testing;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate and its key pair made at test time with BouncyCastle, in the spirit of OkHttp's
 * {@code HeldCertificate}. Immutable. {@link #keys()} writes the key in every encoding Wisp reads.
 *
 * <pre>{@code
 * TestCertificate ca = TestCertificate.builder().commonName("CA").certificateAuthority().build();
 * TestCertificate server = TestCertificate.builder().commonName("localhost")
 *         .subjectAlternativeNames("localhost", "127.0.0.1").issuedBy(ca).build();
 * }</pre>
 */
public final class TestCertificate {
    /** The key algorithms: RSA 2048 and EC on P-256. */
    public enum KeyType { RSA, EC }

    private final KeyPair keyPair;
    private final X509Certificate certificate;
    private final List<X509Certificate> chain;

    private TestCertificate(KeyPair keyPair, X509Certificate certificate, List<X509Certificate> chain) {
        this.keyPair = keyPair;
        this.certificate = certificate;
        this.chain = List.copyOf(chain);
    }

    /** A builder: by default a self-signed EC P-256 leaf certificate valid from an hour ago for a day. */
    public static Builder builder() {
        return new Builder();
    }

    /** The key pair. */
    public KeyPair keyPair() {
        return keyPair;
    }

    /** The certificate. */
    public X509Certificate certificate() {
        return certificate;
    }

    /** This certificate and its issuers up to, not including, the root: what a TLS peer sends. */
    public List<X509Certificate> chain() {
        return chain;
    }

    /** The certificate as PEM. */
    public String certificatePem() {
        return Pem.encode("CERTIFICATE", encoded(certificate));
    }

    /** The chain as PEM, leaf first. */
    public String chainPem() {
        StringBuilder pem = new StringBuilder();
        chain.forEach(c -> pem.append(Pem.encode("CERTIFICATE", encoded(c))));
        return pem.toString();
    }

    /** The private key in each encoding. */
    public TestKeyEncodings keys() {
        return new TestKeyEncodings(this);
    }

    private static byte[] encoded(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Builds a {@link TestCertificate}. */
    public static final class Builder {
        private String commonName = "localhost";
        private final List<String> alternativeNames = new ArrayList<>();
        private KeyType keyType = KeyType.EC;
        private boolean certificateAuthority;
        private TestCertificate issuer;
        private Instant notBefore = Instant.now().minus(Duration.ofHours(1));
        private Instant notAfter = Instant.now().plus(Duration.ofDays(1));

        private Builder() {
        }

        /** The subject's common name. */
        public Builder commonName(String commonName) {
            this.commonName = commonName;
            return this;
        }

        /** DNS names and IP addresses (IPv4, IPv6) for the subject alternative name extension. */
        public Builder subjectAlternativeNames(String... names) {
            alternativeNames.addAll(List.of(names));
            return this;
        }

        /** The key algorithm. */
        public Builder keyType(KeyType keyType) {
            this.keyType = keyType;
            return this;
        }

        /** Makes a CA certificate (basic constraints CA, key usage certificate signing). */
        public Builder certificateAuthority() {
            certificateAuthority = true;
            return this;
        }

        /** Signs with the issuer's key instead of this certificate's own. */
        public Builder issuedBy(TestCertificate issuer) {
            this.issuer = issuer;
            return this;
        }

        /** The validity period. */
        public Builder validity(Instant notBefore, Instant notAfter) {
            this.notBefore = notBefore;
            this.notAfter = notAfter;
            return this;
        }

        /** Makes the key pair and the certificate. */
        public TestCertificate build() {
            try {
                KeyPair keyPair = generate(keyType);
                X500Name subject = new X500Name("CN=" + commonName);
                X500Name issuerName = issuer == null ? subject
                        : X500Name.getInstance(issuer.certificate.getSubjectX500Principal().getEncoded());
                var builder = new JcaX509v3CertificateBuilder(issuerName, new BigInteger(64, new SecureRandom()),
                        Date.from(notBefore), Date.from(notAfter), subject, keyPair.getPublic());
                addExtensions(builder);
                KeyPair signer = issuer == null ? keyPair : issuer.keyPair;
                String algorithm = signer.getPrivate().getAlgorithm().equals("RSA")
                        ? "SHA256withRSA" : "SHA256withECDSA";
                X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
                        builder.build(new JcaContentSignerBuilder(algorithm).build(signer.getPrivate())));
                List<X509Certificate> chain = new ArrayList<>();
                chain.add(certificate);
                if (issuer != null && !isRoot(issuer.certificate)) {
                    chain.addAll(issuer.chain);
                }
                return new TestCertificate(keyPair, certificate, chain);
            } catch (GeneralSecurityException | OperatorCreationException | CertIOException e) {
                throw new IllegalStateException("cannot make test certificate " + commonName, e);
            }
        }

        private void addExtensions(JcaX509v3CertificateBuilder builder) throws CertIOException {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(certificateAuthority));
            if (certificateAuthority) {
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
                return;
            }
            int usage = keyType == KeyType.RSA ? KeyUsage.digitalSignature | KeyUsage.keyEncipherment
                    : KeyUsage.digitalSignature;
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(usage));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                    new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
            if (!alternativeNames.isEmpty()) {
                List<GeneralName> names = new ArrayList<>();
                for (String name : alternativeNames) {
                    names.add(isAddress(name) ? new GeneralName(GeneralName.iPAddress, address(name))
                            : new GeneralName(GeneralName.dNSName, name));
                }
                builder.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(names.toArray(new GeneralName[0])));
            }
        }

        private static boolean isRoot(X509Certificate certificate) {
            return certificate.getIssuerX500Principal().equals(certificate.getSubjectX500Principal());
        }

        private static boolean isAddress(String name) {
            return name.contains(":") || name.matches("[0-9.]+");
        }

        private static String address(String name) {
            try {
                return InetAddress.getByName(name).getHostAddress();
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException(name, e);
            }
        }

        private static KeyPair generate(KeyType keyType) throws GeneralSecurityException {
            if (keyType == KeyType.RSA) {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(2048);
                return generator.generateKeyPair();
            }
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        }
    }
}
