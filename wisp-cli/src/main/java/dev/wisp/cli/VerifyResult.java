package dev.wisp.cli;

import dev.wisp.tls.PublicKeyPinException;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * curl's {@code -w %{ssl_verify_result}}: the code OpenSSL gives the verification of the server's chain, 0 when it
 * verified. The JDK gives no such codes; these are OpenSSL's for what the JDK's exceptions and the chain's shape
 * say: 9 not yet valid, 10 expired, 18 a self-signed certificate alone, 19 a chain up to a self-signed one that is
 * not trusted, 20 a chain to no trusted issuer, and 1 for a name that does not match (curl checks the name itself
 * and then writes 1).
 *
 * <p>With {@code -k} curl still lets OpenSSL verify the chain, against no CA at all, and gives its code; so does
 * this.
 */
final class VerifyResult {
    static final int OK = 0;
    private static final int UNSPECIFIED = 1;
    private static final int NOT_YET_VALID = 9;
    private static final int EXPIRED = 10;
    private static final int SELF_SIGNED = 18;
    private static final int SELF_SIGNED_IN_CHAIN = 19;
    private static final int NO_TRUSTED_ISSUER = 20;

    private VerifyResult() {
    }

    /**
     * The code for a chain that {@code -k} let in unverified. curl loads no CA certificate then (neither
     * {@code --cacert}'s nor its default ones), so OpenSSL trusts none and says why the chain does not reach one.
     */
    static int unverified(List<X509Certificate> chain) {
        if (chain.isEmpty()) {
            return OK;
        }
        X509Certificate last = chain.getLast();
        if (!last.getSubjectX500Principal().equals(last.getIssuerX500Principal())) {
            return NO_TRUSTED_ISSUER;
        }
        return chain.size() == 1 ? SELF_SIGNED : SELF_SIGNED_IN_CHAIN;
    }

    /**
     * The code for a call that failed with this: OpenSSL's code when the chain did not verify, 0 otherwise. The
     * chain is not known after a failed handshake, so an untrusted one is 20 whatever its shape.
     */
    static int ofFailure(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof GeneralSecurityException security
                    && !(security instanceof PublicKeyPinException)) { // a pin is checked after verification
                return isNameMismatch(security) ? UNSPECIFIED : of(security);
            }
        }
        return OK;
    }

    /** The JDK's host name check, which curl does apart from OpenSSL's: a mismatch is then 1, unspecified. */
    private static boolean isNameMismatch(GeneralSecurityException e) {
        String message = String.valueOf(e.getMessage());
        return message.startsWith("No subject alternative") || message.startsWith("No name matching");
    }

    private static int of(GeneralSecurityException failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof CertificateExpiredException || cause instanceof CertPathValidatorException path
                    && path.getReason() == CertPathValidatorException.BasicReason.EXPIRED) {
                return EXPIRED;
            }
            if (cause instanceof CertificateNotYetValidException || cause instanceof CertPathValidatorException path
                    && path.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
                return NOT_YET_VALID;
            }
        }
        return NO_TRUSTED_ISSUER;
    }
}
