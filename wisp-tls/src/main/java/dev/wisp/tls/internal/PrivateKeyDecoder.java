package dev.wisp.tls.internal;

import java.io.IOException;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKey;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Turns one PEM private key block into a {@link PrivateKey}: PKCS#8 ({@code PRIVATE KEY}), password-encrypted
 * PKCS#8 ({@code ENCRYPTED PRIVATE KEY}, PBES2 with PBKDF2 and AES as OpenSSL 3 writes by default), PKCS#1
 * ({@code RSA PRIVATE KEY}) and SEC1 ({@code EC PRIVATE KEY}) on the named curves P-256, P-384 and P-521. PKCS#1
 * and SEC1 keys are wrapped into PKCS#8 with {@link DerWriter} so that the JDK's {@code KeyFactory} reads them.
 *
 * <p>Stateless and thread-safe. Every failure is a {@link PemException} whose message names the source.
 */
public final class PrivateKeyDecoder {
    /** The PEM labels this decoder reads. */
    public static final List<String> LABELS =
            List.of("PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY");

    private static final String RSA_ENCRYPTION = "1.2.840.113549.1.1.1";
    private static final String EC_PUBLIC_KEY = "1.2.840.10045.2.1";
    private static final Map<String, String> KEY_ALGORITHMS = Map.of(
            RSA_ENCRYPTION, "RSA",
            "1.2.840.113549.1.1.10", "RSASSA-PSS",
            EC_PUBLIC_KEY, "EC",
            "1.3.101.112", "Ed25519",
            "1.3.101.113", "Ed448");
    private static final Map<String, String> CURVES = Map.of(
            "1.2.840.10045.3.1.7", "P-256",
            "1.3.132.0.34", "P-384",
            "1.3.132.0.35", "P-521");

    private PrivateKeyDecoder() {
    }

    /**
     * Decodes a private key block.
     *
     * @param password for {@code ENCRYPTED PRIVATE KEY}; null when none was given
     * @throws PemException when the key cannot be read, with the reason
     */
    public static PrivateKey decode(PemParser.Block block, char[] password, String source) {
        try {
            return switch (block.label()) {
                case "PRIVATE KEY" -> pkcs8(block.der(), source);
                case "ENCRYPTED PRIVATE KEY" -> pkcs8(decrypt(block.der(), password, source), source);
                case "RSA PRIVATE KEY" -> pkcs8(wrapPkcs1(block.der()), source);
                case "EC PRIVATE KEY" -> pkcs8(wrapSec1(block.der(), source), source);
                default -> throw new PemException("PEM " + source + ": " + block.label() + " is not a private key");
            };
        } catch (DerException e) {
            throw new PemException("malformed " + block.label() + " in PEM " + source + ": " + e.getMessage(), e);
        }
    }

    private static PrivateKey pkcs8(byte[] der, String source) {
        // PrivateKeyInfo ::= SEQUENCE { version INTEGER, privateKeyAlgorithm AlgorithmIdentifier, privateKey ... }
        DerReader info = new DerReader(der).sequence();
        info.integer();
        String oid = info.sequence().objectIdentifier();
        String algorithm = KEY_ALGORITHMS.get(oid);
        if (algorithm == null) {
            throw new PemException("PEM " + source + ": private key algorithm " + oid + " is not supported "
                    + "(RSA, RSASSA-PSS, EC, Ed25519, Ed448)");
        }
        try {
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (NoSuchAlgorithmException e) {
            throw new PemException("PEM " + source + ": this JDK has no " + algorithm + " key factory", e);
        } catch (InvalidKeySpecException e) {
            throw new PemException("PEM " + source + ": invalid " + algorithm + " private key: " + e.getMessage(), e);
        }
    }

    /*
     * RFC 5958 §3: EncryptedPrivateKeyInfo ::= SEQUENCE { encryptionAlgorithm AlgorithmIdentifier,
     * encryptedData OCTET STRING }. For PBES2 (RFC 8018 §6.2) the JDK's AlgorithmParameters name the whole
     * scheme, e.g. "PBEWithHmacSHA256AndAES_256", which is also a SecretKeyFactory and a Cipher name.
     */
    private static byte[] decrypt(byte[] der, char[] password, String source) {
        if (password == null) {
            throw new PemException("password-encrypted PKCS#8 key needs a password (PEM " + source + ")");
        }
        EncryptedPrivateKeyInfo info;
        try {
            info = new EncryptedPrivateKeyInfo(der);
        } catch (IOException e) {
            throw new PemException("malformed ENCRYPTED PRIVATE KEY in PEM " + source + ": " + e.getMessage(), e);
        }
        AlgorithmParameters parameters = info.getAlgParameters();
        String scheme = parameters == null ? info.getAlgName() : parameters.toString();
        Cipher cipher;
        SecretKey key;
        try {
            key = SecretKeyFactory.getInstance(scheme).generateSecret(new PBEKeySpec(password));
            cipher = Cipher.getInstance(scheme);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new PemException("PEM " + source + ": key encryption " + scheme + " is not supported by this JDK;"
                    + " re-encrypt it with 'openssl pkcs8 -topk8 -v2 aes-256-cbc'", e);
        }
        try {
            cipher.init(Cipher.DECRYPT_MODE, key, parameters);
            return info.getKeySpec(cipher).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new PemException("cannot decrypt the private key in PEM " + source + ": wrong password", e);
        }
    }

    /*
     * RFC 8017 §A.1.2: RSAPrivateKey ::= SEQUENCE { version, modulus, publicExponent, privateExponent, prime1,
     * prime2, exponent1, exponent2, coefficient } (version 0; 1 adds otherPrimeInfos). Checked, then wrapped:
     * PrivateKeyInfo { 0, { rsaEncryption, NULL }, OCTET STRING { RSAPrivateKey } }.
     */
    private static byte[] wrapPkcs1(byte[] der) {
        DerReader outer = new DerReader(der);
        DerReader key = outer.sequence();
        outer.expectEnd();
        BigInteger version = key.integer();
        if (version.signum() != 0) {
            throw new DerException("RSA private key version " + version + " is not supported (two-prime keys only)");
        }
        for (int i = 0; i < 8; i++) {
            key.integer();
        }
        key.expectEnd();
        byte[] algorithm = DerWriter.sequence(DerWriter.objectIdentifier(RSA_ENCRYPTION), DerWriter.nullValue());
        return DerWriter.sequence(DerWriter.integer(0), algorithm, DerWriter.octetString(der));
    }

    /*
     * RFC 5915 §3: ECPrivateKey ::= SEQUENCE { version INTEGER 1, privateKey OCTET STRING,
     * parameters [0] EXPLICIT namedCurve OID OPTIONAL, publicKey [1] EXPLICIT BIT STRING OPTIONAL }.
     * PKCS#8 moves the curve into the AlgorithmIdentifier: { id-ecPublicKey, namedCurve }.
     */
    private static byte[] wrapSec1(byte[] der, String source) {
        DerReader outer = new DerReader(der);
        DerReader key = outer.sequence();
        outer.expectEnd();
        if (!key.integer().equals(BigInteger.ONE)) {
            throw new DerException("EC private key version is not 1");
        }
        byte[] privateKey = key.octetString();
        String curve = null;
        byte[] publicKey = null;
        if (key.hasMore() && key.peekTag() == 0xa0) {
            DerReader parameters = key.constructed(0xa0);
            curve = parameters.objectIdentifier();
            parameters.expectEnd();
        }
        if (key.hasMore() && key.peekTag() == 0xa1) {
            publicKey = key.constructed(0xa1).element();
        }
        key.expectEnd();
        if (curve == null) {
            throw new PemException("PEM " + source + ": EC private key names no curve (SEC1 parameters missing)");
        }
        if (!CURVES.containsKey(curve)) {
            throw new PemException("PEM " + source + ": EC curve " + curve + " is not supported (P-256, P-384, P-521)");
        }
        byte[] inner = publicKey == null
                ? DerWriter.sequence(DerWriter.integer(1), DerWriter.octetString(privateKey))
                : DerWriter.sequence(DerWriter.integer(1), DerWriter.octetString(privateKey),
                        DerWriter.tagged(0xa1, publicKey));
        byte[] algorithm = DerWriter.sequence(DerWriter.objectIdentifier(EC_PUBLIC_KEY),
                DerWriter.objectIdentifier(curve));
        return DerWriter.sequence(DerWriter.integer(0), algorithm, DerWriter.octetString(inner));
    }
}
