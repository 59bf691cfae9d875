package dev.wisp.client;

import dev.wisp.testing.TestCertificate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A {@link TestCertificate} written as PEM files, as servers and command-line tools read them: the chain (leaf
 * first) and the PKCS#8 private key.
 *
 * @param chain the certificate chain file
 * @param key the private key file
 */
record PemFiles(Path chain, Path key) {
    static PemFiles write(Path directory, String name, TestCertificate certificate) throws IOException {
        Path chain = Files.writeString(directory.resolve(name + ".pem"), certificate.chainPem());
        Path key = Files.writeString(directory.resolve(name + "-key.pem"), certificate.keys().pkcs8Pem());
        return new PemFiles(chain, key);
    }

    /** Writes only the certificate, as a CA file to trust. */
    static Path writeCertificate(Path directory, String name, TestCertificate certificate) throws IOException {
        return Files.writeString(directory.resolve(name + ".pem"), certificate.certificatePem());
    }
}
