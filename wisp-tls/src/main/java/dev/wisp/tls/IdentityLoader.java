package dev.wisp.tls;

import dev.wisp.tls.internal.Certificates;
import dev.wisp.tls.internal.KeyMaterial;
import dev.wisp.tls.internal.PemException;
import dev.wisp.tls.internal.PemParser;
import dev.wisp.tls.internal.PrivateKeyDecoder;
import dev.wisp.tls.internal.Source;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Reads one identity's key material and checks it: the chain is in order, the key matches the leaf certificate
 * and no certificate of the chain is expired or not yet valid. Every failure is a {@link TlsConfigException}.
 */
@FunctionalInterface
interface IdentityLoader {
    /** Reads the material, unchecked. */
    KeyMaterial load();

    /** Reads and checks an identity at the given time. */
    static KeyMaterial loadChecked(TlsIdentity identity, Instant now) {
        KeyMaterial material;
        try {
            material = identity.load();
            Certificates.checkOrder(material.chain(), material.source());
            for (X509Certificate certificate : material.chain()) {
                Certificates.checkValidity(certificate, now);
            }
        } catch (PemException e) {
            throw new TlsConfigException(e.getMessage(), e.getCause());
        }
        if (!Certificates.keyMatches(material.key(), material.leaf())) {
            throw new TlsConfigException("private key does not match the certificate "
                    + Certificates.subject(material.leaf()) + " (" + material.source() + ")");
        }
        return material;
    }

    static KeyMaterial pem(Source chainSource, Source keySource, char[] password) {
        List<X509Certificate> chain = Certificates.read(chainSource);
        PrivateKey key = null;
        for (PemParser.Block block : PemParser.parse(keySource.read(), keySource.name())) {
            if (PrivateKeyDecoder.LABELS.contains(block.label())) {
                if (key != null) {
                    throw new PemException("more than one private key in PEM " + keySource.name());
                }
                key = PrivateKeyDecoder.decode(block, password, keySource.name());
            }
        }
        if (key == null) {
            throw new PemException("no private key in PEM " + keySource.name());
        }
        return new KeyMaterial(key, chain, keySource.name());
    }

    static KeyMaterial pkcs12(Path file, char[] password, String alias) {
        KeyStore keyStore;
        try (InputStream in = Files.newInputStream(file)) {
            keyStore = KeyStore.getInstance("PKCS12");
            keyStore.load(in, password);
        } catch (IOException e) {
            if (e.getCause() instanceof java.security.UnrecoverableKeyException) {
                throw new PemException("cannot open PKCS#12 " + file + ": wrong password", e);
            }
            throw new PemException("cannot read PKCS#12 " + file + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new PemException("cannot read PKCS#12 " + file + ": " + e.getMessage(), e);
        }
        String chosen = alias != null ? alias : firstKeyAlias(keyStore, "PKCS#12 " + file);
        return keyStoreEntry(keyStore, chosen, new KeyStore.PasswordProtection(password));
    }

    static KeyMaterial keyStoreEntry(KeyStore keyStore, String alias, KeyStore.ProtectionParameter protection) {
        String source = keyStore.getType() + " key store entry " + alias;
        KeyStore.Entry entry;
        try {
            if (!keyStore.containsAlias(alias)) {
                throw new PemException("no entry " + alias + " in " + keyStore.getType() + " key store");
            }
            entry = keyStore.getEntry(alias, protection);
        } catch (GeneralSecurityException e) {
            throw new PemException("cannot read " + source + ": " + e.getMessage(), e);
        }
        if (!(entry instanceof KeyStore.PrivateKeyEntry keyEntry)) {
            throw new PemException(source + " is not a private key entry");
        }
        List<X509Certificate> chain = new ArrayList<>();
        for (Certificate certificate : keyEntry.getCertificateChain()) {
            if (!(certificate instanceof X509Certificate x509)) {
                throw new PemException(source + " holds a " + certificate.getType() + " certificate, not X.509");
            }
            chain.add(x509);
        }
        return new KeyMaterial(keyEntry.getPrivateKey(), chain, source);
    }

    private static String firstKeyAlias(KeyStore keyStore, String source) {
        try {
            for (String alias : Collections.list(keyStore.aliases())) {
                if (keyStore.isKeyEntry(alias)) {
                    return alias;
                }
            }
        } catch (GeneralSecurityException e) {
            throw new PemException("cannot read " + source + ": " + e.getMessage(), e);
        }
        throw new PemException("no private key in " + source);
    }
}
