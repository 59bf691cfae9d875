package dev.wisp.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.tls.internal.Certificates;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Certificates made by {@link SelfSignedCertificate}, read back by the JDK and used in a handshake. */
class SelfSignedCertificateTest {
    private static final List<InetAddress> LOOPBACKS = List.of(
            InetAddress.getLoopbackAddress(), address("::1"));

    static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(literal, e);
        }
    }

    static SelfSignedCertificate localhost() {
        return SelfSignedCertificate.generate(List.of("localhost"), LOOPBACKS, Duration.ofDays(30));
    }

    @Test
    void isAVersion3CertificateSignedByItsOwnKey() throws Exception {
        SelfSignedCertificate made = localhost();
        X509Certificate certificate = made.certificate();
        assertEquals(3, certificate.getVersion());
        assertEquals("SHA256withECDSA", certificate.getSigAlgName());
        assertEquals("1.2.840.10045.4.3.2", certificate.getSigAlgOID());
        assertEquals("CN=localhost", certificate.getSubjectX500Principal().getName());
        assertEquals(certificate.getSubjectX500Principal(), certificate.getIssuerX500Principal());
        certificate.verify(certificate.getPublicKey());
        assertTrue(Certificates.keyMatches(made.privateKey(), certificate));
        assertEquals("EC", certificate.getPublicKey().getAlgorithm());
        assertTrue(certificate.getSerialNumber().signum() > 0);
        assertTrue(certificate.getSerialNumber().bitLength() <= 128);
    }

    @Test
    void serialNumbersAreRandom() {
        assertFalse(localhost().certificate().getSerialNumber().equals(localhost().certificate().getSerialNumber()));
    }

    @Test
    void namesEveryDnsNameAndAddress() throws Exception {
        SelfSignedCertificate made = SelfSignedCertificate.generate(List.of("localhost", "dev.example"),
                List.of(address("127.0.0.1"), address("::1"), address("192.0.2.7")), Duration.ofDays(1));
        assertEquals(List.of(List.of(2, "localhost"), List.of(2, "dev.example"), List.of(7, "127.0.0.1"),
                List.of(7, "0:0:0:0:0:0:0:1"), List.of(7, "192.0.2.7")),
                List.copyOf(made.certificate().getSubjectAlternativeNames()));
    }

    @Test
    void takesTheFirstAddressAsCommonNameWithoutDnsNames() {
        SelfSignedCertificate made = SelfSignedCertificate.generate(List.of(), List.of(address("10.1.2.3")),
                Duration.ofDays(1));
        assertEquals("CN=10.1.2.3", made.certificate().getSubjectX500Principal().getName());
    }

    @Test
    void hasTheServerExtensionsWithBasicConstraintsAndKeyUsageCritical() throws Exception {
        X509Certificate certificate = localhost().certificate();
        assertEquals(-1, certificate.getBasicConstraints(), "CA:FALSE");
        boolean[] usage = certificate.getKeyUsage();
        assertTrue(usage[0], "digitalSignature");
        for (int i = 1; i < usage.length; i++) {
            assertFalse(usage[i], "key usage bit " + i);
        }
        assertEquals(List.of("1.3.6.1.5.5.7.3.1"), certificate.getExtendedKeyUsage());
        assertEquals(Set.of("2.5.29.19", "2.5.29.15"), certificate.getCriticalExtensionOIDs());
        assertEquals(Set.of("2.5.29.17", "2.5.29.37"), certificate.getNonCriticalExtensionOIDs());
    }

    @Test
    void isValidFromAnHourAgoForTheValidityAndToTheSecondWhenGivenDates() {
        Instant before = Instant.now();
        X509Certificate certificate = localhost().certificate();
        Instant notBefore = certificate.getNotBefore().toInstant();
        Instant notAfter = certificate.getNotAfter().toInstant();
        assertTrue(!notBefore.isAfter(before.minus(Duration.ofMinutes(59))), notBefore.toString());
        assertEquals(Duration.ofDays(30).plusHours(1), Duration.between(notBefore, notAfter));

        Instant start = Instant.parse("2049-06-01T10:20:30Z");
        Instant end = Instant.parse("2051-06-01T10:20:30Z");
        X509Certificate dated = SelfSignedCertificate.generate(List.of("x"), List.of(), start, end).certificate();
        assertEquals(start, dated.getNotBefore().toInstant());
        assertEquals(end, dated.getNotAfter().toInstant());
    }

    @Test
    void refusesCertificatesWithoutNamesOrWithBadNamesOrDates() {
        Instant now = Instant.now();
        assertEquals("a certificate needs at least one DNS name or IP address", assertThrows(
                IllegalArgumentException.class, () -> SelfSignedCertificate.generate(List.of(), List.of(),
                        Duration.ofDays(1))).getMessage());
        assertEquals("DNS name must be non-empty ASCII: 'b\u00fccher.example'", assertThrows(
                IllegalArgumentException.class, () -> SelfSignedCertificate.generate(List.of("b\u00fccher.example"),
                        List.of(), Duration.ofDays(1))).getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> SelfSignedCertificate.generate(List.of("x"), List.of(), now, now));
        assertThrows(IllegalArgumentException.class,
                () -> SelfSignedCertificate.generate(List.of("x"), List.of(), Duration.ZERO));
    }

    @Test
    void writesPemFilesThatTlsConfigLoadsWithTheKeyReadableByItsOwnerOnly(@TempDir Path directory)
            throws Exception {
        SelfSignedCertificate made = localhost();
        Path certificate = directory.resolve("cert.pem");
        Path key = directory.resolve("key.pem");
        made.writePemFiles(certificate, key);
        made.writePemFiles(certificate, key);
        assertTrue(Files.readString(certificate).startsWith("-----BEGIN CERTIFICATE-----\n"));
        assertTrue(Files.readString(key).startsWith("-----BEGIN PRIVATE KEY-----\n"));
        assertEquals(2, Files.list(directory).count(), "no temporary files left");
        if (Files.getFileStore(directory).supportsFileAttributeView("posix")) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
            assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(certificate)));
        }
        TlsConfig config = TlsConfig.builder().identity(TlsIdentity.pemFiles(certificate, key)).build();
        assertArrayEquals(made.certificate().getEncoded(),
                TlsContext.create(config).certificateChains().get(0).get(0).getEncoded());
    }

    @Test
    void aJdkClientTrustingOnlyTheCertificateCompletesAHandshakeForEachName() throws Exception {
        SelfSignedCertificate made = localhost();
        TlsContext server = TlsContext.create(TlsConfig.builder().identity(made.identity()).build());
        TlsContext client = TlsContext.create(TlsConfig.builder()
                .trustedCertificates(List.of(made.certificate())).build());
        for (String host : List.of("localhost", "127.0.0.1", "::1")) {
            EngineHandshake.Result result = EngineHandshake.run(client, server, host);
            assertEquals("TLSv1.3", result.client().protocol(), host);
        }
    }

    @Test
    void aJdkClientRefusesItForANameItDoesNotCarry() {
        SelfSignedCertificate made = localhost();
        TlsContext server = TlsContext.create(TlsConfig.builder().identity(made.identity()).build());
        TlsContext client = TlsContext.create(TlsConfig.builder()
                .trustedCertificates(List.of(made.certificate())).build());
        assertThrows(javax.net.ssl.SSLException.class, () -> EngineHandshake.run(client, server, "other.example"));
    }
}
