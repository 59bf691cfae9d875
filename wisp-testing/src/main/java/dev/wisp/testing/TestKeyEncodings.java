package dev.wisp.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.interfaces.ECPrivateKey;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.OutputEncryptor;

/**
 * The private key of a {@link TestCertificate} in every encoding Wisp reads: PKCS#8 plain and password-encrypted
 * (PBES2, PBKDF2 with HMAC-SHA256, AES-256-CBC, as OpenSSL 3 writes by default), PKCS#1 for RSA, SEC1 with the
 * named curve for EC, and a PKCS#12 key store with the chain. Made by BouncyCastle and the JDK, not by Wisp.
 */
public final class TestKeyEncodings {
    private final TestCertificate certificate;
    private final PrivateKey key;

    TestKeyEncodings(TestCertificate certificate) {
        this.certificate = certificate;
        this.key = certificate.keyPair().getPrivate();
    }

    /** {@code BEGIN PRIVATE KEY}. */
    public String pkcs8Pem() {
        return Pem.encode("PRIVATE KEY", key.getEncoded());
    }

    /** {@code BEGIN ENCRYPTED PRIVATE KEY}, PBES2 with AES-256-CBC and PBKDF2-HMAC-SHA256. */
    public String pkcs8EncryptedPem(char[] password) {
        try {
            OutputEncryptor encryptor = new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
                    .setPRF(PKCS8Generator.PRF_HMACSHA256)
                    .setIterationCount(2048)
                    .setPassword(password)
                    .setProvider(new BouncyCastleProvider())
                    .build();
            return Pem.encode("ENCRYPTED PRIVATE KEY",
                    new JcaPKCS8Generator(key, encryptor).generate().getContent());
        } catch (OperatorCreationException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code BEGIN RSA PRIVATE KEY} (PKCS#1); RSA keys only. */
    public String pkcs1Pem() {
        if (!key.getAlgorithm().equals("RSA")) {
            throw new IllegalStateException("PKCS#1 is for RSA keys, this one is " + key.getAlgorithm());
        }
        try {
            return Pem.encode("RSA PRIVATE KEY", PrivateKeyInfo.getInstance(key.getEncoded()).parsePrivateKey()
                    .toASN1Primitive().getEncoded());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code BEGIN EC PRIVATE KEY} (SEC1, RFC 5915) with the named curve P-256 and the public key. */
    public String sec1Pem() {
        if (!(key instanceof ECPrivateKey ec)) {
            throw new IllegalStateException("SEC1 is for EC keys, this one is " + key.getAlgorithm());
        }
        try {
            byte[] publicPoint = SubjectPublicKeyInfo.getInstance(certificate.keyPair().getPublic().getEncoded())
                    .getPublicKeyData().getBytes();
            var sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(256, ec.getS(), new DERBitString(publicPoint),
                    SECObjectIdentifiers.secp256r1);
            return Pem.encode("EC PRIVATE KEY", sec1.getEncoded());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A PKCS#12 key store holding the key and chain under {@code alias}, protected by {@code password}. */
    public byte[] pkcs12(String alias, char[] password) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(alias, key, password, certificate.chain().toArray(new Certificate[0]));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            store.store(out, password);
            return out.toByteArray();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
