package dev.wisp.tls;

import dev.wisp.tls.internal.KeyMaterial;
import dev.wisp.tls.internal.Source;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * Where a certificate chain and its private key come from: PEM files or PEM text, a PKCS#12 file, an entry of any
 * {@link KeyStore} (a PKCS#11 token whose key never leaves it), or key objects. A server presents it; a client
 * sends it for mutual TLS.
 *
 * <p>Immutable and thread-safe. Nothing is read when an identity is made: {@link TlsConfig.Builder#build()} reads
 * and checks it, and {@link TlsContext#reload()} reads files again, so a rotated certificate is picked up.
 */
public final class TlsIdentity {
    private final String description;
    private final List<Path> files;
    private final IdentityLoader loader;

    private TlsIdentity(String description, List<Path> files, IdentityLoader loader) {
        this.description = description;
        this.files = List.copyOf(files);
        this.loader = loader;
    }

    /**
     * A certificate chain (leaf first, then intermediates) and a private key, from PEM files. The key may be PKCS#8
     * ({@code BEGIN PRIVATE KEY}), PKCS#1 ({@code BEGIN RSA PRIVATE KEY}) or SEC1 ({@code BEGIN EC PRIVATE KEY});
     * key and chain may be the same file.
     */
    public static TlsIdentity pemFiles(Path certificateChain, Path privateKey) {
        return pemFiles(certificateChain, privateKey, null);
    }

    /**
     * As {@link #pemFiles(Path, Path)}, for a key that may be password-encrypted PKCS#8 ({@code BEGIN ENCRYPTED
     * PRIVATE KEY}). The password is copied.
     */
    public static TlsIdentity pemFiles(Path certificateChain, Path privateKey, char[] password) {
        Objects.requireNonNull(certificateChain, "certificateChain");
        Objects.requireNonNull(privateKey, "privateKey");
        return pem(Source.file(certificateChain), Source.file(privateKey), password,
                List.of(certificateChain, privateKey));
    }

    /** A certificate chain and a private key given as PEM text; see {@link #pemFiles(Path, Path)}. */
    public static TlsIdentity pem(String certificateChainPem, String privateKeyPem) {
        return pem(certificateChainPem, privateKeyPem, null);
    }

    /** A certificate chain and a private key, maybe password-encrypted, given as PEM text. */
    public static TlsIdentity pem(String certificateChainPem, String privateKeyPem, char[] password) {
        Objects.requireNonNull(certificateChainPem, "certificateChainPem");
        Objects.requireNonNull(privateKeyPem, "privateKeyPem");
        return pem(certificateChainPem.getBytes(StandardCharsets.US_ASCII),
                privateKeyPem.getBytes(StandardCharsets.US_ASCII), password);
    }

    /** A certificate chain and a private key, maybe password-encrypted, given as PEM bytes. */
    public static TlsIdentity pem(byte[] certificateChainPem, byte[] privateKeyPem, char[] password) {
        Objects.requireNonNull(certificateChainPem, "certificateChainPem");
        Objects.requireNonNull(privateKeyPem, "privateKeyPem");
        return pem(Source.memory("(certificate chain in memory)", certificateChainPem),
                Source.memory("(private key in memory)", privateKeyPem), password, List.of());
    }

    /** The first private key entry of a PKCS#12 file, with the password of the file and the key. */
    public static TlsIdentity pkcs12(Path file, char[] password) {
        return pkcs12(file, password, null);
    }

    /** The named private key entry of a PKCS#12 file. */
    public static TlsIdentity pkcs12(Path file, char[] password, String alias) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(password, "password");
        char[] copy = password.clone();
        return new TlsIdentity("PKCS#12 " + file, List.of(file), () -> IdentityLoader.pkcs12(file, copy, alias));
    }

    /**
     * The private key entry {@code alias} of a loaded key store of any type or provider, such as a PKCS#11 token.
     * The key is used where it is and never copied out. The key store is read at build and at each reload.
     *
     * @param protection the entry's password or protection; null for entries without one (most tokens)
     */
    public static TlsIdentity keyStore(KeyStore keyStore, String alias, KeyStore.ProtectionParameter protection) {
        Objects.requireNonNull(keyStore, "keyStore");
        Objects.requireNonNull(alias, "alias");
        return new TlsIdentity(keyStore.getType() + " key store entry " + alias, List.of(),
                () -> IdentityLoader.keyStoreEntry(keyStore, alias, protection));
    }

    /** A private key object (of any provider) and its certificate chain, leaf first. */
    public static TlsIdentity of(PrivateKey key, List<X509Certificate> chain) {
        Objects.requireNonNull(key, "key");
        List<X509Certificate> copy = List.copyOf(chain);
        return new TlsIdentity("private key object", List.of(), () -> new KeyMaterial(key, copy, "private key object"));
    }

    /** What this identity is read from, for messages: a file name, "PKCS#12 ..." or a key store entry. */
    public String description() {
        return description;
    }

    /** The files this identity is read from, which {@link TlsContext#watchFiles} watches; empty for memory. */
    public List<Path> files() {
        return files;
    }

    /** Reads and checks the material; see {@link TlsConfig} for the checks. */
    KeyMaterial load() {
        return loader.load();
    }

    @Override
    public String toString() {
        return "TlsIdentity[" + description + "]";
    }

    private static TlsIdentity pem(Source chain, Source key, char[] password, List<Path> files) {
        char[] copy = password == null ? null : password.clone();
        String description = files.isEmpty() ? "PEM in memory" : "PEM " + chain.name() + " + " + key.name();
        return new TlsIdentity(description, files, () -> IdentityLoader.pem(chain, key, copy));
    }
}
