package dev.wisp.tls;

import dev.wisp.tls.internal.DerWriter;
import dev.wisp.tls.internal.PemWriter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A self-signed X.509 v3 server certificate and its ECDSA P-256 key, made at run time with nothing but the JDK: for
 * a development server that should still speak TLS, such as {@code wisp serve}. Clients trust it by being given the
 * certificate itself ({@code curl --cacert cert.pem}).
 *
 * <pre>{@code
 * SelfSignedCertificate made = SelfSignedCertificate.generate(List.of("localhost"),
 *         List.of(InetAddress.getLoopbackAddress()), Duration.ofDays(365));
 * made.writePemFiles(Path.of("cert.pem"), Path.of("key.pem"));   // the key file is readable by its owner only
 * TlsConfig tls = TlsConfig.builder().identity(made.identity()).build();
 * }</pre>
 *
 * <p>The certificate (RFC 5280): a random positive 128-bit serial number; subject and issuer both
 * {@code CN=<first name>}; signed with ecdsa-with-SHA256; subjectAltName with every DNS name and IP address;
 * basicConstraints {@code CA:FALSE} and keyUsage {@code digitalSignature}, both critical; extendedKeyUsage
 * {@code serverAuth}. It is parsed back with the JDK's {@code CertificateFactory} and its signature verified before
 * it is returned. Immutable and thread-safe.
 */
public final class SelfSignedCertificate {
    /** How far back the default validity starts, for clients whose clocks are a little behind. */
    static final Duration CLOCK_SKEW = Duration.ofHours(1);

    private static final String ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";
    private static final String COMMON_NAME = "2.5.4.3";
    private static final String SUBJECT_ALT_NAME = "2.5.29.17";
    private static final String BASIC_CONSTRAINTS = "2.5.29.19";
    private static final String KEY_USAGE = "2.5.29.15";
    private static final String EXTENDED_KEY_USAGE = "2.5.29.37";
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    /** GeneralName CHOICE tags (RFC 5280 §4.2.1.6): [2] IMPLICIT IA5String, [7] IMPLICIT OCTET STRING. */
    private static final int DNS_NAME = 0x82;
    private static final int IP_ADDRESS = 0x87;
    private static final FileAttribute<?> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    private final X509Certificate certificate;
    private final PrivateKey privateKey;

    private SelfSignedCertificate(X509Certificate certificate, PrivateKey privateKey) {
        this.certificate = certificate;
        this.privateKey = privateKey;
    }

    /**
     * Makes a key pair and a certificate valid from an hour ago (for clocks a little behind) for {@code validity}.
     *
     * @param dnsNames host names, ASCII (an internationalized name in its {@code xn--} form); the first one, else the
     *     first address, is the common name
     * @param ipAddresses addresses the certificate names
     * @throws IllegalArgumentException without any name, for a name that is not ASCII, or a validity not positive
     */
    public static SelfSignedCertificate generate(List<String> dnsNames, List<InetAddress> ipAddresses,
            Duration validity) {
        if (validity.isNegative() || validity.isZero()) {
            throw new IllegalArgumentException("validity must be positive: " + validity);
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        return generate(dnsNames, ipAddresses, now.minus(CLOCK_SKEW), now.plus(validity));
    }

    /**
     * Makes a key pair and a certificate valid from {@code notBefore} to {@code notAfter} (to the second).
     *
     * @throws IllegalArgumentException without any name, for a name that is not ASCII, or when notAfter is not
     *     after notBefore
     */
    public static SelfSignedCertificate generate(List<String> dnsNames, List<InetAddress> ipAddresses,
            Instant notBefore, Instant notAfter) {
        List<String> names = List.copyOf(dnsNames);
        List<InetAddress> addresses = List.copyOf(ipAddresses);
        Objects.requireNonNull(notBefore, "notBefore");
        Objects.requireNonNull(notAfter, "notAfter");
        if (names.isEmpty() && addresses.isEmpty()) {
            throw new IllegalArgumentException("a certificate needs at least one DNS name or IP address");
        }
        if (!notAfter.isAfter(notBefore)) {
            throw new IllegalArgumentException("notAfter " + notAfter + " is not after notBefore " + notBefore);
        }
        for (String name : names) {
            if (name.isEmpty() || !StandardCharsets.US_ASCII.newEncoder().canEncode(name)) {
                throw new IllegalArgumentException("DNS name must be non-empty ASCII: '" + name + "'");
            }
        }
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair keys = generator.generateKeyPair();
            String commonName = names.isEmpty() ? addresses.get(0).getHostAddress() : names.get(0);
            byte[] tbs = tbsCertificate(keys, commonName, names, addresses, notBefore, notAfter);
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(keys.getPrivate());
            signer.update(tbs);
            byte[] der = DerWriter.sequence(tbs, signatureAlgorithm(), DerWriter.bitString(signer.sign()));
            X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
            certificate.verify(keys.getPublic());
            return new SelfSignedCertificate(certificate, keys.getPrivate());
        } catch (GeneralSecurityException e) {
            // Every JDK has P-256 and SHA256withECDSA (the JCA's required algorithms), so this is a broken JDK.
            throw new IllegalStateException("cannot make a self-signed certificate: " + e, e);
        }
    }

    /** The certificate. */
    public X509Certificate certificate() {
        return certificate;
    }

    /** The private key. */
    public PrivateKey privateKey() {
        return privateKey;
    }

    /** The certificate as PEM ({@code BEGIN CERTIFICATE}). */
    public String certificatePem() {
        try {
            return PemWriter.write("CERTIFICATE", certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("cannot encode a certificate the JDK just parsed", e);
        }
    }

    /** The private key as unencrypted PKCS#8 PEM ({@code BEGIN PRIVATE KEY}). */
    public String privateKeyPem() {
        return PemWriter.write("PRIVATE KEY", privateKey.getEncoded());
    }

    /** The certificate and key as an identity for {@link TlsConfig.Builder#identity(TlsIdentity)}. */
    public TlsIdentity identity() {
        return TlsIdentity.of(privateKey, List.of(certificate));
    }

    /**
     * Writes the certificate and the key as PEM files. The key file is made readable and writable by its owner only
     * (0600) where the file system has POSIX permissions, before any key byte is written. Each file is written
     * beside its target and then moved over it, so a reader (a file watcher) never sees half a file.
     */
    public void writePemFiles(Path certificateFile, Path privateKeyFile) throws IOException {
        Objects.requireNonNull(certificateFile, "certificateFile");
        Objects.requireNonNull(privateKeyFile, "privateKeyFile");
        write(privateKeyFile, privateKeyPem(), true);
        write(certificateFile, certificatePem(), false);
    }

    @Override
    public String toString() {
        return "SelfSignedCertificate[" + certificate.getSubjectX500Principal().getName() + ", until "
                + certificate.getNotAfter().toInstant() + "]";
    }

    /*
     * RFC 5280 §4.1:
     *   TBSCertificate ::= SEQUENCE {
     *     version [0] EXPLICIT INTEGER (2 = v3), serialNumber INTEGER, signature AlgorithmIdentifier,
     *     issuer Name, validity SEQUENCE { notBefore Time, notAfter Time }, subject Name,
     *     subjectPublicKeyInfo SubjectPublicKeyInfo, extensions [3] EXPLICIT SEQUENCE OF Extension }
     */
    private static byte[] tbsCertificate(KeyPair keys, String commonName, List<String> names,
            List<InetAddress> addresses, Instant notBefore, Instant notAfter) {
        byte[] serial = new byte[16];
        new SecureRandom().nextBytes(serial);
        byte[] name = DerWriter.sequence(DerWriter.set(DerWriter.sequence(
                DerWriter.objectIdentifier(COMMON_NAME), DerWriter.utf8String(commonName))));
        return DerWriter.sequence(
                DerWriter.explicit(0, DerWriter.integer(2)),
                DerWriter.integer(new BigInteger(1, serial)),
                signatureAlgorithm(),
                name,
                DerWriter.sequence(DerWriter.time(notBefore), DerWriter.time(notAfter)),
                name,
                keys.getPublic().getEncoded(),
                DerWriter.explicit(3, DerWriter.sequence(
                        extension(SUBJECT_ALT_NAME, false, subjectAltNames(names, addresses)),
                        extension(BASIC_CONSTRAINTS, true, DerWriter.sequence()),
                        // KeyUsage BIT STRING, bit 0 digitalSignature: one byte 0x80 with its 7 unused bits.
                        extension(KEY_USAGE, true, DerWriter.bitString(new byte[] {(byte) 0x80}, 7)),
                        extension(EXTENDED_KEY_USAGE, false,
                                DerWriter.sequence(DerWriter.objectIdentifier(SERVER_AUTH))))));
    }

    /** RFC 5758 §3.2: ecdsa-with-SHA256 has no parameters, not even NULL. */
    private static byte[] signatureAlgorithm() {
        return DerWriter.sequence(DerWriter.objectIdentifier(ECDSA_WITH_SHA256));
    }

    /** Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE (so absent when false), extnValue }. */
    private static byte[] extension(String oid, boolean critical, byte[] value) {
        byte[] id = DerWriter.objectIdentifier(oid);
        return critical
                ? DerWriter.sequence(id, DerWriter.bool(true), DerWriter.octetString(value))
                : DerWriter.sequence(id, DerWriter.octetString(value));
    }

    private static byte[] subjectAltNames(List<String> names, List<InetAddress> addresses) {
        List<byte[]> general = new ArrayList<>();
        names.forEach(name -> general.add(DerWriter.tagged(DNS_NAME, name.getBytes(StandardCharsets.US_ASCII))));
        addresses.forEach(address -> general.add(DerWriter.tagged(IP_ADDRESS, address.getAddress())));
        return DerWriter.sequence(general.toArray(new byte[0][]));
    }

    private static void write(Path target, String pem, boolean ownerOnly) throws IOException {
        Path directory = target.toAbsolutePath().getParent();
        boolean posix = Files.getFileStore(directory).supportsFileAttributeView("posix");
        FileAttribute<?>[] attributes = ownerOnly && posix
                ? new FileAttribute<?>[] {OWNER_ONLY}
                : new FileAttribute<?>[0];
        Path temporary = Files.createTempFile(directory, "." + target.getFileName(), ".tmp", attributes);
        try {
            if (!ownerOnly && posix) {
                // createTempFile makes 0600; a certificate is public, so give it the usual 0644.
                Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-r--r--"));
            }
            Files.writeString(temporary, pem, StandardCharsets.US_ASCII);
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
