package dev.wisp.bench.peers;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * An in-memory PKCS#12 key store from a PEM certificate chain and an unencrypted PKCS#8 EC key, with the JDK
 * alone, for the peers that take a {@link KeyStore} rather than PEM files (Jetty). Not Wisp's loader, so a
 * peer does not share Wisp's parsing.
 */
final class PemKeyStore {
    /** The password of the in-memory store and its key entry; nothing is written to disk. */
    static final char[] PASSWORD = "bench".toCharArray();

    private PemKeyStore() {
    }

    static KeyStore load(Path chainPem, Path keyPem, char[] password) throws IOException, GeneralSecurityException {
        Certificate[] chain = CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(chainPem)))
                .toArray(Certificate[]::new);
        String text = Files.readString(keyPem, US_ASCII);
        int begin = text.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = text.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) {
            throw new IOException(keyPem + " holds no unencrypted PKCS#8 key (BEGIN PRIVATE KEY)");
        }
        byte[] der = Base64.getMimeDecoder().decode(text.substring(begin + 27, end));
        PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, password);
        store.setKeyEntry("server", key, password, chain);
        return store;
    }
}
