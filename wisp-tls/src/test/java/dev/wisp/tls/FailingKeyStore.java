package dev.wisp.tls;

import dev.wisp.testing.TestCertificate;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.Key;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.KeyStoreSpi;
import java.security.NoSuchAlgorithmException;
import java.security.UnrecoverableEntryException;
import java.security.cert.Certificate;
import java.util.Collections;
import java.util.Date;
import java.util.Enumeration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A key store provider holding one private key entry, {@code "k"}, that throws what it is told to on the next
 * reads of the entry: as a PKCS#11 provider throws {@code ProviderException} once its token is gone, or any code
 * does when the heap is full. Read-only; thread-safe.
 */
final class FailingKeyStore extends KeyStoreSpi {
    static final String ALIAS = "k";

    private final KeyStore.PrivateKeyEntry entry;
    private final KeyStore keyStore;
    private final Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
    private final AtomicInteger reads = new AtomicInteger();

    FailingKeyStore(TestCertificate certificate) throws Exception {
        entry = new KeyStore.PrivateKeyEntry(certificate.keyPair().getPrivate(),
                certificate.chain().toArray(new Certificate[0]));
        keyStore = new KeyStore(this, null, "failing") {
        };
        keyStore.load(null, null);
    }

    /** The loaded key store this provider serves. */
    KeyStore keyStore() {
        return keyStore;
    }

    /** Throws these, one per read of the entry, before the entry is read again. */
    void failNextReads(Throwable... thrown) {
        failures.addAll(List.of(thrown));
    }

    /** How many times the entry was read or tried. */
    int reads() {
        return reads.get();
    }

    @Override
    public KeyStore.Entry engineGetEntry(String alias, KeyStore.ProtectionParameter protection)
            throws KeyStoreException, NoSuchAlgorithmException, UnrecoverableEntryException {
        reads.incrementAndGet();
        switch (failures.poll()) {
            case null -> {
                return ALIAS.equals(alias) ? entry : null;
            }
            case RuntimeException e -> throw e;
            case Error e -> throw e;
            case UnrecoverableEntryException e -> throw e;
            case Throwable e -> throw new AssertionError("cannot throw " + e);
        }
    }

    @Override
    public boolean engineContainsAlias(String alias) {
        return ALIAS.equals(alias);
    }

    @Override
    public boolean engineIsKeyEntry(String alias) {
        return ALIAS.equals(alias);
    }

    @Override
    public Enumeration<String> engineAliases() {
        return Collections.enumeration(List.of(ALIAS));
    }

    @Override
    public int engineSize() {
        return 1;
    }

    @Override
    public Key engineGetKey(String alias, char[] password) {
        return ALIAS.equals(alias) ? entry.getPrivateKey() : null;
    }

    @Override
    public Certificate[] engineGetCertificateChain(String alias) {
        return ALIAS.equals(alias) ? entry.getCertificateChain() : null;
    }

    @Override
    public Certificate engineGetCertificate(String alias) {
        return ALIAS.equals(alias) ? entry.getCertificate() : null;
    }

    @Override
    public Date engineGetCreationDate(String alias) {
        return null;
    }

    @Override
    public boolean engineIsCertificateEntry(String alias) {
        return false;
    }

    @Override
    public String engineGetCertificateAlias(Certificate cert) {
        return null;
    }

    @Override
    public void engineSetKeyEntry(String alias, Key key, char[] password, Certificate[] chain) {
        throw new UnsupportedOperationException("read-only");
    }

    @Override
    public void engineSetKeyEntry(String alias, byte[] key, Certificate[] chain) {
        throw new UnsupportedOperationException("read-only");
    }

    @Override
    public void engineSetCertificateEntry(String alias, Certificate cert) {
        throw new UnsupportedOperationException("read-only");
    }

    @Override
    public void engineDeleteEntry(String alias) {
        throw new UnsupportedOperationException("read-only");
    }

    @Override
    public void engineStore(OutputStream stream, char[] password) {
        throw new UnsupportedOperationException("read-only");
    }

    @Override
    public void engineLoad(InputStream stream, char[] password) {
        // Nothing to read: the entry is held in memory.
    }
}
