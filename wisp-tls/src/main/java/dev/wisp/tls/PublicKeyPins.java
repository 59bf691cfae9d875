package dev.wisp.tls;

import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * The check of a server's chain against the public keys pinned for its host, as OkHttp's pinner makes it: the chain
 * the server sent, and the trusted certificate that issued its last one, which a server mostly leaves out (a root
 * CA's key may be pinned).
 */
final class PublicKeyPins {
    private PublicKeyPins() {
    }

    /**
     * Passes if no pin applies to the host, or if a key of the chain is pinned for it.
     *
     * @throws PublicKeyPinException otherwise, and when the session has no peer chain to check
     */
    static void check(List<PublicKeyPin> pins, String host, SSLSession session,
            Supplier<X509Certificate[]> trusted) throws PublicKeyPinException {
        List<PublicKeyPin> forHost = pins.stream().filter(pin -> pin.matches(host)).toList();
        if (forHost.isEmpty()) {
            return;
        }
        List<Certificate> chain;
        try {
            chain = withIssuer(List.of(session.getPeerCertificates()), trusted);
        } catch (SSLPeerUnverifiedException e) {
            throw new PublicKeyPinException(host, "public keys are pinned for " + host
                    + ", and the server presented no certificate");
        }
        for (Certificate certificate : chain) {
            for (PublicKeyPin pin : forHost) {
                if (pin.isKeyOf(certificate)) {
                    return;
                }
            }
        }
        StringBuilder message = new StringBuilder("none of the public keys of the server's chain is pinned for ")
                .append(host).append(". The chain, up to the trusted certificate that issued it:");
        for (Certificate certificate : chain) {
            message.append("\n  ").append(PublicKeyPin.pinOf(certificate));
            if (certificate instanceof X509Certificate x509) {
                message.append(": ").append(x509.getSubjectX500Principal().getName());
            }
        }
        message.append("\nPinned for ").append(host).append(':');
        for (PublicKeyPin pin : forHost) {
            message.append("\n  ").append(pin);
        }
        throw new PublicKeyPinException(host, message.toString());
    }

    /** The chain, and the trusted certificate that issued its last one if the chain does not hold it. */
    private static List<Certificate> withIssuer(List<Certificate> chain, Supplier<X509Certificate[]> trusted) {
        if (!(chain.getLast() instanceof X509Certificate last)
                || last.getIssuerX500Principal().equals(last.getSubjectX500Principal())) {
            return chain;
        }
        for (X509Certificate candidate : trusted.get()) {
            if (candidate.getSubjectX500Principal().equals(last.getIssuerX500Principal())) {
                try {
                    last.verify(candidate.getPublicKey());
                } catch (GeneralSecurityException e) {
                    continue; // another certificate of the same name
                }
                List<Certificate> completed = new ArrayList<>(chain);
                completed.add(candidate);
                return completed;
            }
        }
        return chain;
    }
}
