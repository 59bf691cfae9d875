package dev.wisp.server;

import dev.wisp.testing.RunFolder;
import dev.wisp.testing.TestCertificate;
import dev.wisp.testing.TestCertificate.KeyType;
import dev.wisp.testing.TestCertificates;
import dev.wisp.tls.TlsConfig;
import dev.wisp.tls.TlsIdentity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;

/**
 * Certificates for the HTTPS tests, made once per run: a CA, a server certificate for localhost and 127.0.0.1
 * (ECDSA P-256) and a client certificate, all also written as PEM files for curl and openssl.
 */
final class TestTls {
    static final TestCertificate CA = TestCertificates.ca(KeyType.EC);
    static final TestCertificate SERVER = TestCertificates.server(CA, KeyType.EC);
    static final TestCertificate CLIENT = TestCertificates.client(CA, "test-client", KeyType.EC);
    private static Path directory;

    private TestTls() {
    }

    /** The folder with ca.pem, server.pem, server-key.pem, client.pem and client-key.pem. */
    static synchronized Path files() {
        if (directory == null) {
            try {
                Path made = RunFolder.create("wisp-https-test");
                Files.writeString(made.resolve("ca.pem"), CA.certificatePem());
                Files.writeString(made.resolve("server.pem"), SERVER.chainPem());
                Files.writeString(made.resolve("server-key.pem"), SERVER.keys().pkcs8Pem());
                Files.writeString(made.resolve("client.pem"), CLIENT.chainPem());
                Files.writeString(made.resolve("client-key.pem"), CLIENT.keys().pkcs8Pem());
                directory = made;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return directory;
    }

    static String file(String name) {
        return files().resolve(name).toString();
    }

    /** A server TLS configuration with the server certificate, to adjust before building. */
    static TlsConfig.Builder server() {
        return TlsConfig.builder().identity(TlsIdentity.pem(SERVER.chainPem(), SERVER.keys().pkcs8Pem()));
    }

    /** A JDK context that trusts the test CA, for JDK peers. */
    static SSLContext trustingClientContext() throws Exception {
        return TestCertificates.trusting(CA);
    }
}
