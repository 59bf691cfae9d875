package dev.wisp.tls;

import dev.wisp.testing.TestCertificate;
import dev.wisp.testing.TestCertificate.KeyType;
import dev.wisp.testing.TestCertificates;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Certificates shared by the tests, made once per test run (RSA keys take a moment). */
final class Fixtures {
    static final char[] PASSWORD = "s3cret".toCharArray();
    static final TestCertificate CA = TestCertificates.ca(KeyType.EC);
    static final TestCertificate SERVER_EC = TestCertificates.server(CA, KeyType.EC);
    static final TestCertificate SERVER_RSA = TestCertificates.server(CA, KeyType.RSA);
    static final TestCertificate CLIENT = TestCertificates.client(CA, "client-1", KeyType.EC);
    static final TestCertificate OTHER_CA = TestCertificates.ca(KeyType.EC);

    private Fixtures() {
    }

    /** A server identity from PEM text. */
    static TlsIdentity identity(TestCertificate certificate) {
        return TlsIdentity.pem(certificate.chainPem(), certificate.keys().pkcs8Pem());
    }

    /** A client configuration that trusts {@link #CA}. */
    static TlsConfig.Builder clientTrustingCa() {
        return TlsConfig.builder().trustedCertificatesPem(CA.certificatePem());
    }

    static Path write(Path directory, String name, String text) throws IOException {
        return Files.writeString(directory.resolve(name), text, StandardCharsets.US_ASCII);
    }
}
