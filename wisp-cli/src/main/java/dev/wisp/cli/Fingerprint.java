package dev.wisp.cli;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;

/** Certificate fingerprints as OpenSSL prints them, for users to compare with what their client shows. */
final class Fingerprint {
    private Fingerprint() {
    }

    /**
     * The line {@code openssl x509 -noout -fingerprint -sha256} prints for the certificate:
     * {@code sha256 Fingerprint=} and the SHA-256 of its DER encoding in upper-case hex pairs joined by colons.
     */
    static String sha256Line(X509Certificate certificate) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return "sha256 Fingerprint=" + HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            // Every JDK has SHA-256, and the certificate was parsed from its encoding.
            throw new IllegalStateException("cannot fingerprint " + certificate.getSubjectX500Principal(), e);
        }
    }
}
