package dev.wisp.tls.internal;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads X.509 certificates from PEM and checks them: validity dates, chain order, and whether a private key
 * belongs to a certificate. Stateless and thread-safe; failures are {@link PemException}s naming the source.
 */
public final class Certificates {
    private static final PSSParameterSpec PSS =
            new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1);

    private Certificates() {
    }

    /**
     * Every {@code CERTIFICATE} block of a PEM source, in order.
     *
     * @throws PemException when there is none, or one is malformed
     */
    public static List<X509Certificate> read(Source source) {
        List<X509Certificate> certificates = new ArrayList<>();
        for (PemParser.Block block : PemParser.parse(source.read(), source.name())) {
            if (block.label().equals("CERTIFICATE")) {
                certificates.add(parse(block.der(), source.name()));
            }
        }
        if (certificates.isEmpty()) {
            throw new PemException("no certificate in PEM " + source.name());
        }
        return List.copyOf(certificates);
    }

    /** The subject of a certificate as RFC 2253 text, for messages. */
    public static String subject(X509Certificate certificate) {
        return certificate.getSubjectX500Principal().getName();
    }

    /**
     * Fails when the certificate is not valid at {@code now}.
     *
     * @throws PemException "certificate CN=x expired on 2026-01-02T03:04:05Z"
     */
    public static void checkValidity(X509Certificate certificate, Instant now) {
        if (now.isAfter(certificate.getNotAfter().toInstant())) {
            throw new PemException("certificate " + subject(certificate) + " expired on "
                    + certificate.getNotAfter().toInstant());
        }
        if (now.isBefore(certificate.getNotBefore().toInstant())) {
            throw new PemException("certificate " + subject(certificate) + " is not valid before "
                    + certificate.getNotBefore().toInstant());
        }
    }

    /**
     * Fails unless each certificate of the chain is issued by the next one (leaf first, as TLS sends them).
     */
    public static void checkOrder(List<X509Certificate> chain, String source) {
        for (int i = 0; i + 1 < chain.size(); i++) {
            X509Certificate certificate = chain.get(i);
            X509Certificate issuer = chain.get(i + 1);
            if (!certificate.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
                throw new PemException("certificate chain in " + source + " is out of order: "
                        + subject(certificate) + " is not issued by the next certificate " + subject(issuer));
            }
        }
    }

    /**
     * Whether the private key belongs to the certificate's public key, tested by signing a random challenge and
     * verifying it: this works for keys that never leave their token (PKCS#11) as well as for plain keys.
     */
    public static boolean keyMatches(PrivateKey key, X509Certificate certificate) {
        PublicKey publicKey = certificate.getPublicKey();
        String algorithm = signatureAlgorithm(key.getAlgorithm());
        if (algorithm == null || !compatible(key.getAlgorithm(), publicKey.getAlgorithm())) {
            return false;
        }
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            if (algorithm.equals("RSASSA-PSS")) {
                signer.setParameter(PSS);
            }
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            if (algorithm.equals("RSASSA-PSS")) {
                verifier.setParameter(PSS);
            }
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static boolean compatible(String keyAlgorithm, String publicKeyAlgorithm) {
        return keyAlgorithm.equals(publicKeyAlgorithm)
                || keyAlgorithm.startsWith("Ed") && publicKeyAlgorithm.startsWith("Ed")
                || keyAlgorithm.equals("EdDSA") || publicKeyAlgorithm.equals("EdDSA");
    }

    private static String signatureAlgorithm(String keyAlgorithm) {
        return switch (keyAlgorithm) {
            case "RSA" -> "SHA256withRSA";
            case "RSASSA-PSS" -> "RSASSA-PSS";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "Ed448", "EdDSA" -> "EdDSA";
            default -> null;
        };
    }

    private static X509Certificate parse(byte[] der, String source) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException e) {
            throw new PemException("malformed certificate in PEM " + source + ": " + e.getMessage(), e);
        }
    }
}
