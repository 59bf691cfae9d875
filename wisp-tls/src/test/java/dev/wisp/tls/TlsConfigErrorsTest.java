package dev.wisp.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.testing.TestCertificate;
import dev.wisp.testing.TestCertificate.KeyType;
import dev.wisp.testing.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** Bad options and bad key material fail in {@code build()} with a message that says what is wrong. */
class TlsConfigErrorsTest {
    private static final TestCertificate EC = Fixtures.SERVER_EC;

    @TempDir
    Path directory;

    @Test
    void refusesAKeyOfAnotherCertificate() {
        String message = fails(() -> TlsConfig.builder()
                .identity(TlsIdentity.pem(EC.chainPem(), Fixtures.CLIENT.keys().pkcs8Pem())).build());
        assertEquals("private key does not match the certificate CN=localhost ((private key in memory))", message);
        String rsaKey = fails(() -> TlsConfig.builder()
                .identity(TlsIdentity.pem(EC.chainPem(), Fixtures.SERVER_RSA.keys().pkcs8Pem())).build());
        assertTrue(rsaKey.startsWith("private key does not match the certificate CN=localhost"), rsaKey);
    }

    @Test
    void refusesPemWithoutCertificateOrKey() throws Exception {
        Path empty = Fixtures.write(directory, "empty.pem", "nothing here\n");
        Path key = Fixtures.write(directory, "key.pem", EC.keys().pkcs8Pem());
        assertEquals("no certificate in PEM " + empty, fails(() -> TlsConfig.builder()
                .identity(TlsIdentity.pemFiles(empty, key)).build()));
        Path chain = Fixtures.write(directory, "chain.pem", EC.chainPem());
        assertEquals("no private key in PEM " + chain, fails(() -> TlsConfig.builder()
                .identity(TlsIdentity.pemFiles(chain, chain)).build()));
        assertEquals("no certificate in PEM (trusted certificates in memory)",
                fails(() -> TlsConfig.builder().trustedCertificatesPem("").build()));
    }

    @Test
    void refusesAMissingFile() {
        Path missing = directory.resolve("missing.pem");
        String message = fails(() -> TlsConfig.builder().identity(TlsIdentity.pemFiles(missing, missing)).build());
        assertTrue(message.startsWith("cannot read " + missing + ": java.nio.file.NoSuchFileException"), message);
    }

    @Test
    void refusesAnExpiredCertificate() {
        TestCertificate expired = TestCertificates.expiredServer(Fixtures.CA);
        String message = fails(() -> TlsConfig.builder().identity(Fixtures.identity(expired)).build());
        assertEquals("certificate CN=localhost expired on " + expired.certificate().getNotAfter().toInstant(),
                message);
    }

    @Test
    void refusesAnEncryptedKeyWithoutOrWithTheWrongPassword() {
        String encrypted = EC.keys().pkcs8EncryptedPem(Fixtures.PASSWORD);
        assertEquals("password-encrypted PKCS#8 key needs a password (PEM (private key in memory))",
                fails(() -> TlsConfig.builder().identity(TlsIdentity.pem(EC.chainPem(), encrypted)).build()));
        assertEquals("cannot decrypt the private key in PEM (private key in memory): wrong password",
                fails(() -> TlsConfig.builder()
                        .identity(TlsIdentity.pem(EC.chainPem(), encrypted, "wrong".toCharArray())).build()));
    }

    @Test
    void refusesAWrongPkcs12Password() throws Exception {
        Path file = directory.resolve("id.p12");
        Files.write(file, EC.keys().pkcs12("id", Fixtures.PASSWORD));
        assertEquals("cannot open PKCS#12 " + file + ": wrong password", fails(() -> TlsConfig.builder()
                .identity(TlsIdentity.pkcs12(file, "wrong".toCharArray())).build()));
    }

    @Test
    void refusesMalformedPem() {
        String truncated = "-----BEGIN PRIVATE KEY-----\nMIIB\n";
        assertEquals("PEM (private key in memory) line 1: no END line for BEGIN PRIVATE KEY",
                fails(() -> TlsConfig.builder().identity(TlsIdentity.pem(EC.chainPem(), truncated)).build()));
        String legacy = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAA==\n"
                + "-----END RSA PRIVATE KEY-----\n";
        assertEquals("PEM (private key in memory) line 2: encrypted legacy PEM (header 'Proc-Type: 4,ENCRYPTED') "
                + "is not supported; convert it to PKCS#8 with 'openssl pkcs8 -topk8'",
                fails(() -> TlsConfig.builder().identity(TlsIdentity.pem(EC.chainPem(), legacy)).build()));
        String garbage = "-----BEGIN EC PRIVATE KEY-----\nMAMCAQE=\n-----END EC PRIVATE KEY-----\n";
        assertEquals("malformed EC PRIVATE KEY in PEM (private key in memory): unexpected end of DER data",
                fails(() -> TlsConfig.builder().identity(TlsIdentity.pem(EC.chainPem(), garbage)).build()));
    }

    @Test
    void refusesAChainOutOfOrder() {
        TestCertificate intermediate = TestCertificate.builder().commonName("Intermediate").certificateAuthority()
                .issuedBy(Fixtures.CA).build();
        TestCertificate leaf = TestCertificates.server(intermediate, KeyType.EC);
        String reversed = intermediate.certificatePem() + leaf.certificatePem();
        String message = fails(() -> TlsConfig.builder()
                .identity(TlsIdentity.pem(reversed, leaf.keys().pkcs8Pem())).build());
        assertEquals("certificate chain in (private key in memory) is out of order: CN=Intermediate is not issued "
                + "by the next certificate CN=localhost", message);
    }

    @Test
    void refusesProtocolsOtherThanTls13And12() {
        assertEquals("protocol 'TLSv1.1' is not allowed: only TLSv1.3 and TLSv1.2",
                fails(() -> TlsConfig.builder().protocols("TLSv1.3", "TLSv1.1")));
        assertEquals("protocols is empty: allow TLSv1.3, TLSv1.2 or both",
                fails(() -> TlsConfig.builder().protocols(new TlsVersion[0]).build()));
    }

    @Test
    void refusesWeakOrUnknownCipherSuites() {
        assertEquals("cipher suite TLS_RSA_WITH_AES_128_GCM_SHA256 is not allowed: only TLS 1.3 suites and TLS 1.2 "
                + "suites with ECDHE and AES-GCM or ChaCha20-Poly1305", fails(() -> TlsConfig.builder()
                .cipherSuites("TLS_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_128_GCM_SHA256").build()));
        assertEquals("cipher suite TLS_ECDHE_MADE_UP_GCM_SHA256 is not supported by this JDK",
                fails(() -> TlsConfig.builder().cipherSuites("TLS_ECDHE_MADE_UP_GCM_SHA256").build()));
        assertEquals("no cipher suite for TLSv1.2 in cipherSuites",
                fails(() -> TlsConfig.builder().cipherSuites("TLS_AES_128_GCM_SHA256").build()));
    }

    @Test
    void defaultsToForwardSecretAeadSuitesOnly() {
        TlsConfig config = TlsConfig.builder().build();
        assertEquals(List.of(TlsVersion.TLS_1_3, TlsVersion.TLS_1_2), config.protocols());
        assertTrue(config.cipherSuites().contains("TLS_AES_256_GCM_SHA384"));
        assertTrue(config.cipherSuites().contains("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"));
        config.cipherSuites().forEach(suite -> assertFalse(suite.contains("CBC") || suite.startsWith("TLS_RSA_")
                || suite.startsWith("TLS_DHE_"), suite));
    }

    @Test
    void refusesBadOptions() {
        assertEquals("ALPN protocol name must be 1 to 255 bytes, '' is 0",
                fails(() -> TlsConfig.builder().alpnProtocols("h2", "").build()));
        assertEquals("ALPN protocol 'h2' is listed twice",
                fails(() -> TlsConfig.builder().alpnProtocols("h2", "h2").build()));
        assertEquals("client authentication REQUIRED needs the CA certificates of the clients (trustedCertificates)",
                fails(() -> TlsConfig.builder().clientAuth(ClientAuth.REQUIRED).build()));
        assertEquals("sessionTimeout must be from 1 second to 7 days, was PT192H",
                fails(() -> TlsConfig.builder().sessionTimeout(Duration.ofDays(8)).build()));
        assertEquals("sessionCacheSize must be at least 1, was 0",
                fails(() -> TlsConfig.builder().sessionCacheSize(0).build()));
        assertEquals("handshakeTimeout must be positive, was PT0S",
                fails(() -> TlsConfig.builder().handshakeTimeout(Duration.ZERO).build()));
        assertEquals("serverName 'bad name' is not a valid SNI host name",
                fails(() -> TlsConfig.builder().serverName("bad name").build()));
    }

    @Test
    void aServerEngineNeedsAnIdentity() {
        TlsContext context = TlsContext.create(TlsConfig.builder().build());
        IllegalStateException e = assertThrows(IllegalStateException.class, context::newServerEngine);
        assertEquals("a TLS server needs an identity (TlsConfig.Builder.identity)", e.getMessage());
    }

    @Test
    void noRelaxationIsOnByDefault() {
        TlsConfig config = TlsConfig.builder().build();
        assertFalse(config.trustsAll() || config.allowsExpired() || config.allowsSelfSigned()
                || config.skipsHostnameVerification());
        assertEquals("HTTPS", TlsContext.create(config).clientParameters("localhost")
                .getEndpointIdentificationAlgorithm());
    }

    /**
     * A name SNI cannot carry (a container's {@code my_api}: RFC 6066 takes letters, digits and hyphens) goes without
     * SNI, still verified: the JDK's SNIHostName threw, and the connection failed before it began.
     */
    @Test
    void aHostNameSniCannotCarryGoesWithoutIt() {
        TlsContext context = TlsContext.create(TlsConfig.builder().build());
        assertNull(context.clientParameters("my_api").getServerNames());
        assertEquals("HTTPS", context.clientParameters("my_api").getEndpointIdentificationAlgorithm());
        assertEquals(1, context.clientParameters("my-api").getServerNames().size());
    }

    private static String fails(Executable build) {
        return assertThrows(TlsConfigException.class, build).getMessage();
    }
}
