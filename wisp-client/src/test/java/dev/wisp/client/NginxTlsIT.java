package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.testing.TestCertificate;
import dev.wisp.testing.TestCertificate.KeyType;
import dev.wisp.testing.TestCertificates;
import dev.wisp.tls.TlsConfig;
import dev.wisp.tls.TlsIdentity;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutual TLS with nginx ({@code ssl_verify_client on}): the client's certificate is accepted, a client without
 * one gets nginx's 400; keep-alive over TLS, and nginx's idle close noticed before reuse with the session resumed.
 */
class NginxTlsIT {
    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final TestCertificate CA = TestCertificates.ca(KeyType.EC);

    @TempDir
    static Path directory;
    private static NginxPeer nginx;
    private static Path caFile;
    private static PemFiles client;

    @BeforeAll
    static void start() throws Exception {
        caFile = PemFiles.writeCertificate(directory, "ca", CA);
        client = PemFiles.write(directory, "client", TestCertificates.client(CA, "wisp-client", KeyType.EC));
        PemFiles server = PemFiles.write(directory, "server", TestCertificates.server(CA, KeyType.EC));
        nginx = NginxPeer.startTls(directory, server, caFile);
    }

    @AfterAll
    static void stop() throws Exception {
        if (nginx != null) {
            nginx.close();
        }
    }

    private static ClientConfig config(boolean withCertificate) {
        TlsConfig.Builder tls = TlsConfig.builder().trustedCertificates(caFile);
        if (withCertificate) {
            tls.identity(TlsIdentity.pemFiles(client.chain(), client.key()));
        }
        return ClientConfig.builder().tls(tls.build()).build();
    }

    @Test
    void sendsItsCertificateAndKeepsTheConnection() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Client client = Client.create(config(true))) {
                Response first = client.send(Request.get(nginx.httpsUrl("/hello")));
                assertEquals("hello from nginx\n", first.text());
                Response second = client.send(Request.get(nginx.httpsUrl("/hello")));
                assertEquals("hello from nginx\n", second.text());
                assertTrue(second.timing().connectionReused());
                assertEquals(1, client.openConnections());
            }
        });
    }

    @Test
    void withoutACertificateGetsNginxsRefusal() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Client client = Client.create(config(false))) {
                Response refused = client.send(Request.get(nginx.httpsUrl("/hello")));
                assertEquals(400, refused.statusCode());
                assertTrue(refused.text().contains("No required SSL certificate was sent"));
            }
        });
    }

    @Test
    void noticesTheIdleCloseAndResumesOnTheNextConnection() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Client client = Client.create(config(true))) {
                assertEquals("hello from nginx\n", client.send(Request.get(nginx.httpsUrl("/hello"))).text());
                Thread.sleep(1500); // nginx's keepalive_timeout is 1 s: the idle connection is closed by then
                Response posted = client.send(Request.builder(nginx.httpsUrl("/hello")).method("POST").body("x")
                        .build());
                posted.text();
                assertFalse(posted.timing().connectionReused());
                assertTrue(posted.timing().tlsResumed(), posted.timing().toString());
            }
        });
    }
}
