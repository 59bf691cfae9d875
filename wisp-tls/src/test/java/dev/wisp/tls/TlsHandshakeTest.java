package dev.wisp.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.testing.TestCertificate;
import dev.wisp.testing.TestCertificate.KeyType;
import dev.wisp.testing.TestCertificates;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** Handshakes between engines made by two {@link TlsContext}s, in memory: what the configuration negotiates. */
class TlsHandshakeTest {
    private static final TlsContext SERVER = TlsContext.create(TlsConfig.builder()
            .identity(Fixtures.identity(Fixtures.SERVER_EC)).alpnProtocols("h2", "http/1.1").build());

    @Test
    void negotiatesTls13WithAlpnAndSni() throws Exception {
        TlsContext client = TlsContext.create(Fixtures.clientTrustingCa().alpnProtocols("h2", "http/1.1").build());
        EngineHandshake.Result result = EngineHandshake.run(client, SERVER, "localhost");
        assertEquals("TLSv1.3", result.client().protocol());
        assertEquals(Optional.of("h2"), result.server().alpnProtocol());
        assertEquals(Optional.of("localhost"), result.server().serverName());
        assertEquals(Fixtures.SERVER_EC.certificate(), result.client().peerCertificates().get(0));
        assertFalse(result.client().resumed());
    }

    @Test
    void negotiatesTls12WithAnEcdheAeadSuite() throws Exception {
        TlsContext client = TlsContext.create(Fixtures.clientTrustingCa().protocols(TlsVersion.TLS_1_2).build());
        EngineHandshake.Result result = EngineHandshake.run(client, SERVER, "localhost");
        assertEquals("TLSv1.2", result.server().protocol());
        assertTrue(result.server().cipherSuite().startsWith("TLS_ECDHE_ECDSA_WITH_AES_"),
                result.server().cipherSuite());
    }

    @Test
    void choosesTheCertificateBySniWithWildcardsAndFallsBackToTheFirst() throws Exception {
        TestCertificate wildcard = TestCertificates.server(Fixtures.CA, KeyType.RSA, "*.example.com");
        TlsContext server = TlsContext.create(TlsConfig.builder().identity(Fixtures.identity(Fixtures.SERVER_EC))
                .identity(Fixtures.identity(wildcard)).build());
        TlsContext api = TlsContext.create(Fixtures.clientTrustingCa().serverName("api.example.com").build());
        assertEquals(wildcard.certificate(),
                EngineHandshake.run(api, server, "127.0.0.1").client().peerCertificates().get(0));
        TlsContext deeper = TlsContext.create(Fixtures.clientTrustingCa().serverName("a.b.example.com")
                .skipHostnameVerification().build());
        assertEquals(Fixtures.SERVER_EC.certificate(),
                EngineHandshake.run(deeper, server, "127.0.0.1").client().peerCertificates().get(0));
    }

    @Test
    void requiresATrustedClientCertificate() throws Exception {
        TlsContext server = TlsContext.create(TlsConfig.builder().identity(Fixtures.identity(Fixtures.SERVER_EC))
                .trustedCertificatesPem(Fixtures.CA.certificatePem()).clientAuth(ClientAuth.REQUIRED).build());
        TlsContext anonymous = TlsContext.create(Fixtures.clientTrustingCa().build());
        assertThrows(SSLHandshakeException.class, () -> EngineHandshake.run(anonymous, server, "localhost"));
        TlsContext client = TlsContext.create(Fixtures.clientTrustingCa()
                .identity(Fixtures.identity(Fixtures.CLIENT)).build());
        List<X509Certificate> peers = EngineHandshake.run(client, server, "localhost").server().peerCertificates();
        assertEquals(Fixtures.CLIENT.certificate(), peers.get(0));
    }

    @Test
    void optionalClientAuthAcceptsClientsWithoutCertificate() throws Exception {
        TlsContext server = TlsContext.create(TlsConfig.builder().identity(Fixtures.identity(Fixtures.SERVER_EC))
                .trustedCertificatesPem(Fixtures.CA.certificatePem()).clientAuth(ClientAuth.OPTIONAL).build());
        TlsContext anonymous = TlsContext.create(Fixtures.clientTrustingCa().build());
        assertEquals(List.of(), EngineHandshake.run(anonymous, server, "localhost").server().peerCertificates());
    }

    @Test
    void resumesSessionsByDefaultWithTls13AndTls12() throws Exception {
        for (TlsVersion version : TlsVersion.values()) {
            TlsContext client = TlsContext.create(Fixtures.clientTrustingCa().protocols(version).build());
            assertFalse(EngineHandshake.run(client, SERVER, "localhost").client().resumed());
            EngineHandshake.Result second = EngineHandshake.run(client, SERVER, "localhost");
            assertTrue(second.client().resumed(), version + " client");
            assertTrue(second.server().resumed(), version + " server");
        }
    }

    @Test
    void resumesNothingWhenResumptionIsOff() throws Exception {
        TlsContext server = TlsContext.create(SERVER.config().toBuilder().sessionResumption(false).build());
        for (TlsVersion version : TlsVersion.values()) {
            TlsContext client = TlsContext.create(Fixtures.clientTrustingCa().protocols(version).build());
            EngineHandshake.run(client, server, "localhost");
            EngineHandshake.Result second = EngineHandshake.run(client, server, "localhost");
            assertFalse(second.server().resumed(), version.javaName());
            assertFalse(second.client().resumed(), version.javaName());
        }
    }

    @Test
    void selfSignedIsRefusedUnlessAllowed() throws Exception {
        TestCertificate selfSigned = TestCertificates.selfSigned(KeyType.EC);
        assertRefusedThenAccepted(selfSigned, Fixtures.clientTrustingCa().allowSelfSigned());
    }

    @Test
    void expiredIsRefusedUnlessAllowed() throws Exception {
        assertRefusedThenAccepted(TestCertificates.expiredServer(Fixtures.CA),
                Fixtures.clientTrustingCa().allowExpired());
    }

    @Test
    void wrongHostIsRefusedUnlessHostnameVerificationIsSkipped() throws Exception {
        assertRefusedThenAccepted(TestCertificates.wrongHostServer(Fixtures.CA),
                Fixtures.clientTrustingCa().skipHostnameVerification());
    }

    @Test
    void unknownIssuerIsRefusedUnlessTrustingAll() throws Exception {
        TestCertificate foreign = TestCertificates.server(Fixtures.OTHER_CA, KeyType.EC);
        assertRefusedThenAccepted(foreign, Fixtures.clientTrustingCa().insecureTrustAll());
        TestCertificate expiredWrongHost = TestCertificate.builder().commonName("nowhere.example")
                .validity(java.time.Instant.now().minusSeconds(90_000), java.time.Instant.now().minusSeconds(9_000))
                .build();
        assertRefusedThenAccepted(expiredWrongHost, Fixtures.clientTrustingCa().insecureTrustAll());
    }

    private static void assertRefusedThenAccepted(TestCertificate served, TlsConfig.Builder relaxed)
            throws Exception {
        TlsContext strict = TlsContext.create(Fixtures.clientTrustingCa().build());
        assertThrows(SSLHandshakeException.class, () -> EngineHandshake.run(strict, rawServer(served), "localhost"));
        TlsContext client = TlsContext.create(relaxed.build());
        assertEquals(served.certificate(),
                EngineHandshake.run(client, rawServer(served), "localhost").peerCertificates().get(0));
    }

    /** A JDK server engine presenting a certificate that Wisp's own configuration would refuse to load. */
    private static SSLEngine rawServer(TestCertificate certificate) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", certificate.keyPair().getPrivate(), Fixtures.PASSWORD,
                certificate.chain().toArray(new X509Certificate[0]));
        KeyManagerFactory keys = KeyManagerFactory.getInstance("PKIX");
        keys.init(store, Fixtures.PASSWORD);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(false);
        return engine;
    }
}
