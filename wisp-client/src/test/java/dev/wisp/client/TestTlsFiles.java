package dev.wisp.client;

import dev.wisp.testing.TestCertificate;
import dev.wisp.testing.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** Certificate files for a TLS peer program, and the client context that trusts them. */
final class TestTlsFiles {
    private TestTlsFiles() {
    }

    /**
     * Writes {@code cert.pem} (chain) and {@code key.pem} for "localhost", issued by a new test CA, into the
     * directory.
     *
     * @return a context trusting only that CA
     */
    static SSLContext writeLocalhostCertificate(Path directory) throws Exception {
        TestCertificate ca = TestCertificates.ca(TestCertificate.KeyType.EC);
        TestCertificate server = TestCertificates.server(ca, TestCertificate.KeyType.EC, "localhost");
        Files.writeString(directory.resolve("cert.pem"), server.chainPem());
        Files.writeString(directory.resolve("key.pem"), server.keys().pkcs8Pem());
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca.certificate());
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }
}
