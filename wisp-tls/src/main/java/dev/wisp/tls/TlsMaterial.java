package dev.wisp.tls;

import dev.wisp.tls.internal.Certificates;
import dev.wisp.tls.internal.KeyMaterial;
import dev.wisp.tls.internal.PemException;
import dev.wisp.tls.internal.Source;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The key material of a configuration as read at one moment: every identity, checked, and the trusted
 * certificates (empty for the JDK's trust store). Immutable; {@link TlsContext} swaps in a new one on reload.
 */
record TlsMaterial(List<KeyMaterial> identities, List<X509Certificate> trusted, Instant loadedAt) {
    TlsMaterial {
        identities = List.copyOf(identities);
        trusted = List.copyOf(trusted);
    }

    /**
     * Reads and checks all material of a configuration.
     *
     * @throws TlsConfigException for the first thing wrong
     */
    static TlsMaterial load(TlsConfig config) {
        Instant now = Instant.now();
        List<KeyMaterial> identities = new ArrayList<>();
        for (TlsIdentity identity : config.identities) {
            identities.add(IdentityLoader.loadChecked(identity, now));
        }
        List<X509Certificate> trusted = new ArrayList<>(config.trustedObjects);
        try {
            for (Source source : config.trustedPems) {
                trusted.addAll(Certificates.read(source));
            }
        } catch (PemException e) {
            throw new TlsConfigException(e.getMessage(), e.getCause());
        }
        return new TlsMaterial(identities, trusted, now);
    }
}
