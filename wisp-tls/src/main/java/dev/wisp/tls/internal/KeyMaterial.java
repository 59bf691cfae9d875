package dev.wisp.tls.internal;

import java.security.PrivateKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.security.auth.x500.X500Principal;

/**
 * One loaded and checked identity: a private key (possibly a handle to a key that never leaves its token), its
 * certificate chain with the leaf first, and the source it came from, for messages.
 *
 * @param key   the private key
 * @param chain the certificate chain, leaf first, never empty
 * @param source where it was loaded from
 */
public record KeyMaterial(PrivateKey key, List<X509Certificate> chain, String source) {
    /** Copies the chain in. */
    public KeyMaterial {
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("chain is empty");
        }
    }

    /** The leaf certificate. */
    public X509Certificate leaf() {
        return chain.get(0);
    }

    /**
     * The DNS names the leaf certificate is for, lower case: its DNS subject alternative names, or its common
     * name when it has none (RFC 6125 §6.4.4). Wildcards such as {@code *.example.com} are kept as they are.
     */
    public List<String> dnsNames() {
        List<String> names = new ArrayList<>();
        try {
            var alternatives = leaf().getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> entry : alternatives) {
                    // RFC 5280 §4.2.1.6: GeneralName dNSName is choice 2.
                    if (entry.size() == 2 && Integer.valueOf(2).equals(entry.get(0))) {
                        names.add(entry.get(1).toString().toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            return List.of();
        }
        if (names.isEmpty()) {
            String subject = leaf().getSubjectX500Principal().getName(X500Principal.RFC2253);
            for (String part : subject.split(",")) {
                if (part.startsWith("CN=")) {
                    names.add(part.substring(3).toLowerCase(Locale.ROOT));
                }
            }
        }
        return List.copyOf(names);
    }
}
