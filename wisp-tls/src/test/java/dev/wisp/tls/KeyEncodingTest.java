package dev.wisp.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wisp.testing.TestCertificate;
import dev.wisp.testing.TestCertificate.KeyType;
import dev.wisp.testing.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every private key encoding Wisp reads, as BouncyCastle and the JDK write them, from memory and from files. */
class KeyEncodingTest {
    private static final TestCertificate RSA = Fixtures.SERVER_RSA;
    private static final TestCertificate EC = Fixtures.SERVER_EC;

    @TempDir
    Path directory;

    @Test
    void readsPlainPkcs8ForRsaAndEc() {
        assertLoads(RSA, TlsIdentity.pem(RSA.chainPem(), RSA.keys().pkcs8Pem()));
        assertLoads(EC, TlsIdentity.pem(EC.chainPem(), EC.keys().pkcs8Pem()));
    }

    @Test
    void readsPasswordEncryptedPkcs8() {
        assertLoads(RSA, TlsIdentity.pem(RSA.chainPem(), RSA.keys().pkcs8EncryptedPem(Fixtures.PASSWORD),
                Fixtures.PASSWORD));
        assertLoads(EC, TlsIdentity.pem(EC.chainPem(), EC.keys().pkcs8EncryptedPem(Fixtures.PASSWORD),
                Fixtures.PASSWORD));
    }

    @Test
    void readsPkcs1RsaKeys() {
        assertLoads(RSA, TlsIdentity.pem(RSA.chainPem(), RSA.keys().pkcs1Pem()));
    }

    @Test
    void readsSec1EcKeys() {
        assertLoads(EC, TlsIdentity.pem(EC.chainPem(), EC.keys().sec1Pem()));
    }

    @Test
    void readsKeyAndChainFromFilesAndFromOneCombinedFile() throws Exception {
        Path chain = Fixtures.write(directory, "chain.pem", EC.chainPem());
        Path key = Fixtures.write(directory, "key.pem", EC.keys().sec1Pem());
        assertLoads(EC, TlsIdentity.pemFiles(chain, key));
        Path both = Fixtures.write(directory, "both.pem", "# a comment\n" + EC.keys().pkcs8Pem() + EC.chainPem());
        assertLoads(EC, TlsIdentity.pemFiles(both, both));
    }

    @Test
    void readsPkcs12ByFirstKeyEntryAndByAlias() throws Exception {
        Path file = directory.resolve("server.p12");
        Files.write(file, RSA.keys().pkcs12("server", Fixtures.PASSWORD));
        assertLoads(RSA, TlsIdentity.pkcs12(file, Fixtures.PASSWORD));
        assertLoads(RSA, TlsIdentity.pkcs12(file, Fixtures.PASSWORD, "server"));
    }

    @Test
    void usesAKeyThatStaysInItsKeyStore() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("k", EC.keyPair().getPrivate(), Fixtures.PASSWORD,
                EC.chain().toArray(new X509Certificate[0]));
        assertLoads(EC, TlsIdentity.keyStore(store, "k", new KeyStore.PasswordProtection(Fixtures.PASSWORD)));
        assertLoads(EC, TlsIdentity.of(EC.keyPair().getPrivate(), EC.chain()));
    }

    @Test
    void readsCertificateChainsWithIntermediates() {
        TestCertificate intermediate = TestCertificate.builder().commonName("Intermediate").certificateAuthority()
                .issuedBy(Fixtures.CA).build();
        TestCertificate leaf = TestCertificates.server(intermediate, KeyType.EC);
        TlsConfig config = TlsConfig.builder().identity(Fixtures.identity(leaf)).build();
        assertEquals(2, TlsContext.create(config).certificateChains().get(0).size());
    }

    @Test
    void readsCaBundlesWithManyCertificates() {
        String bundle = "Bundle\n" + Fixtures.CA.certificatePem() + "\n# next\n" + Fixtures.OTHER_CA.certificatePem();
        TlsConfig config = TlsConfig.builder().trustedCertificatesPem(bundle).build();
        assertEquals(List.of(Fixtures.CA.certificate(), Fixtures.OTHER_CA.certificate()),
                config.trustedCertificates());
    }

    private static Object secret(PrivateKey key) {
        return key instanceof ECPrivateKey ec ? ec.getS() : ((RSAPrivateKey) key).getPrivateExponent();
    }

    private static void assertLoads(TestCertificate expected, TlsIdentity identity) {
        TlsConfig config = TlsConfig.builder().identity(identity).build();
        TlsContext context = TlsContext.create(config);
        assertEquals(expected.chain(), context.certificateChains().get(0));
        var material = IdentityLoader.loadChecked(identity, java.time.Instant.now());
        assertEquals(secret(expected.keyPair().getPrivate()), secret(material.key()));
    }
}
