package dev.wisp.client;

import dev.wisp.testing.TestCertificate;
import dev.wisp.testing.TestCertificates;
import dev.wisp.tls.TlsConfig;
import java.nio.file.Files;
import java.nio.file.Path;

/** Certificate files for a TLS peer program, and the client TLS configuration that trusts them. */
final class TestTlsFiles {
    private TestTlsFiles() {
    }

    /**
     * Writes {@code cert.pem} (chain) and {@code key.pem} for "localhost", issued by a new test CA, into the
     * directory.
     *
     * @return a client TLS configuration trusting only that CA
     */
    static TlsConfig writeLocalhostCertificate(Path directory) throws Exception {
        TestCertificate ca = TestCertificates.ca(TestCertificate.KeyType.EC);
        TestCertificate server = TestCertificates.server(ca, TestCertificate.KeyType.EC, "localhost");
        Files.writeString(directory.resolve("cert.pem"), server.chainPem());
        Files.writeString(directory.resolve("key.pem"), server.keys().pkcs8Pem());
        return TlsConfig.builder().trustedCertificatesPem(ca.certificatePem()).build();
    }
}
