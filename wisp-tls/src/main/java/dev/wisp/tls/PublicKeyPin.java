package dev.wisp.tls;

import dev.wisp.tls.internal.PemException;
import dev.wisp.tls.internal.PemParser;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * A public key a client requires of the servers of some hosts: the SHA-256 of the key's SubjectPublicKeyInfo, as
 * OkHttp's {@code CertificatePinner} and curl's {@code --pinnedpubkey} take it. A server whose chain holds no pinned
 * key for its host fails the handshake with {@link PublicKeyPinException}, even when the chain is trusted: a pin
 * narrows whom the client trusts, so no relaxation of the configuration lifts it.
 *
 * <p>The host pattern is a host name or address, matched exactly; {@code *.example.com}, any one label before
 * {@code example.com} ({@code api.example.com}, not {@code example.com} nor {@code a.b.example.com});
 * {@code **.example.com}, any number of labels, none included; or {@code *} alone, every host (as curl's option pins
 * the key of whichever server a transfer reaches). Case does not matter.
 *
 * @param hostPattern the hosts the pin applies to, in lower case
 * @param sha256 the SHA-256 of the public key's DER encoding (32 bytes)
 */
public record PublicKeyPin(String hostPattern, byte[] sha256) {
    private static final int SHA256_BYTES = 32;
    private static final String EVERY_HOST = "*";
    private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "EdDSA");

    /**
     * Parses a pin: {@code sha256/} then the hash in base64, as OkHttp writes it, or {@code sha256//} then the hash,
     * as curl does.
     *
     * @throws IllegalArgumentException if the pattern or the pin is malformed
     */
    public static PublicKeyPin of(String hostPattern, String pin) {
        return new PublicKeyPin(hostPattern, parse(pin));
    }

    /**
     * A pin of this hash for the hosts of the pattern.
     *
     * @throws IllegalArgumentException if the pattern is malformed or the hash is not 32 bytes long
     */
    public PublicKeyPin {
        hostPattern = checkPattern(hostPattern);
        sha256 = sha256.clone();
        if (sha256.length != SHA256_BYTES) {
            throw new IllegalArgumentException("a SHA-256 pin has 32 bytes, not " + sha256.length);
        }
    }

    @Override
    public byte[] sha256() {
        return sha256.clone();
    }

    /** The pin of the certificate's public key, {@code sha256/} and the hash in base64, to pin it with. */
    public static String pinOf(Certificate certificate) {
        return "sha256/" + Base64.getEncoder().encodeToString(hashOf(certificate));
    }

    /** The pin of a public key given as its DER encoding (SubjectPublicKeyInfo), as a PEM {@code PUBLIC KEY} holds. */
    public static String pinOfKey(byte[] subjectPublicKeyInfo) {
        return "sha256/" + Base64.getEncoder().encodeToString(sha256Of(subjectPublicKeyInfo));
    }

    /**
     * The pin of the public key a file holds, as curl's {@code --pinnedpubkey} reads one: a PEM {@code PUBLIC KEY},
     * or a certificate whose key it is (PEM or DER), or the key's DER SubjectPublicKeyInfo.
     *
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException if it holds no public key
     */
    public static String pinOfFile(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        List<PemParser.Block> blocks;
        try {
            blocks = PemParser.parse(bytes, file.toString());
        } catch (PemException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        for (PemParser.Block block : blocks) {
            switch (block.label()) {
                case "PUBLIC KEY" -> {
                    return pinOfKey(checkedKey(block.der(), file));
                }
                case "CERTIFICATE" -> {
                    return pinOf(certificate(block.der(), file));
                }
                default -> {
                    // a private key, parameters: not what is pinned
                }
            }
        }
        if (!blocks.isEmpty()) {
            throw new IllegalArgumentException(file + " holds neither a PEM PUBLIC KEY nor a CERTIFICATE");
        }
        try {
            return pinOf(CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(bytes)));
        } catch (CertificateException e) {
            return pinOfKey(checkedKey(bytes, file)); // DER: the key's SubjectPublicKeyInfo
        }
    }

    private static Certificate certificate(byte[] der, Path file) {
        try {
            return CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException e) {
            throw new IllegalArgumentException("the certificate in " + file + " does not parse: " + e.getMessage(),
                    e);
        }
    }

    /** The bytes, once a key factory of the JDK has read them as a SubjectPublicKeyInfo. */
    private static byte[] checkedKey(byte[] der, Path file) {
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
                return der;
            } catch (GeneralSecurityException e) {
                // not a key of this algorithm
            }
        }
        throw new IllegalArgumentException(file + " holds no public key of " + String.join(", ", KEY_ALGORITHMS));
    }

    /** Whether the pin applies to this host (a name or an address, as the client connects to it). */
    public boolean matches(String host) {
        if (hostPattern.equals(EVERY_HOST)) {
            return true;
        }
        String name = host.toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        if (hostPattern.startsWith("**.")) {
            String suffix = hostPattern.substring(3);
            return name.equals(suffix) || name.endsWith("." + suffix);
        }
        if (hostPattern.startsWith("*.")) {
            String suffix = hostPattern.substring(1);
            return name.endsWith(suffix) && name.length() > suffix.length()
                    && name.lastIndexOf('.', name.length() - suffix.length() - 1) < 0;
        }
        return name.equals(hostPattern);
    }

    /** Whether the certificate's public key is the pinned one. */
    boolean isKeyOf(Certificate certificate) {
        return MessageDigest.isEqual(sha256, hashOf(certificate));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PublicKeyPin that && hostPattern.equals(that.hostPattern)
                && Arrays.equals(sha256, that.sha256);
    }

    @Override
    public int hashCode() {
        return hostPattern.hashCode() * 31 + Arrays.hashCode(sha256);
    }

    @Override
    public String toString() {
        return hostPattern + " sha256/" + Base64.getEncoder().encodeToString(sha256);
    }

    static byte[] hashOf(Certificate certificate) {
        return sha256Of(certificate.getPublicKey().getEncoded());
    }

    private static byte[] sha256Of(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    private static String checkPattern(String pattern) {
        String lower = pattern.strip().toLowerCase(Locale.ROOT);
        if (lower.equals(EVERY_HOST)) {
            return lower;
        }
        String name = lower.startsWith("**.") ? lower.substring(3) : lower.startsWith("*.") ? lower.substring(2)
                : lower;
        if (name.isEmpty() || name.contains("*") || name.startsWith(".") || name.endsWith(".") || name.contains("..")
                || !StandardCharsets.US_ASCII.newEncoder().canEncode(name) || name.chars().anyMatch(c -> c <= ' ')) {
            throw new IllegalArgumentException("not a host pattern for a public key pin: \"" + pattern
                    + "\" (a host, *.example.com for one label, **.example.com for any, or * for every host)");
        }
        return lower;
    }

    private static byte[] parse(String pin) {
        if (!pin.startsWith("sha256/")) {
            throw new IllegalArgumentException("a public key pin is sha256/ and the key's hash in base64: \"" + pin
                    + "\"");
        }
        // OkHttp's sha256/ or curl's sha256//: a hash in base64 may itself begin with '/', which the length tells.
        String hash = pin.substring("sha256/".length());
        byte[] bytes = decode(hash);
        if ((bytes == null || bytes.length != SHA256_BYTES) && hash.startsWith("/")) {
            bytes = decode(hash.substring(1));
        }
        if (bytes == null) {
            throw new IllegalArgumentException("the hash of the public key pin \"" + pin + "\" is not base64");
        }
        if (bytes.length != SHA256_BYTES) {
            throw new IllegalArgumentException("the hash of the public key pin \"" + pin + "\" has " + bytes.length
                    + " bytes; a SHA-256 has 32");
        }
        return bytes;
    }

    /** The base64 text decoded, or null if it is not base64. */
    private static byte[] decode(String base64) {
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

}
