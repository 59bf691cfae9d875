package dev.wisp.client.internal;

import dev.wisp.client.Credentials;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * One Digest protection space as a client keeps it (RFC 7616): the server's nonce and options, the client nonce,
 * and the nonce count, which goes up by one with each request that uses the nonce, across requests.
 * {@link #authorization} computes the {@code Authorization} value for one request.
 *
 * <p>Thread-safe: the nonce count is taken under the object's monitor (no I/O inside).
 */
final class DigestSession {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** An algorithm this client supports: the RFC 7616 name and the JDK's. */
    enum Algorithm {
        SHA_256("SHA-256", "SHA-256"), SHA_256_SESS("SHA-256-sess", "SHA-256"),
        MD5("MD5", "MD5"), MD5_SESS("MD5-sess", "MD5");

        final String token;
        final String jdkName;

        Algorithm(String token, String jdkName) {
            this.token = token;
            this.jdkName = jdkName;
        }

        boolean isSession() {
            return token.endsWith("-sess");
        }

        /** The algorithm of a challenge's parameter (absent means MD5, RFC 7616 §3.3), or null if unsupported. */
        static Algorithm of(String parameter) {
            String name = parameter == null ? "MD5" : parameter;
            for (Algorithm algorithm : values()) {
                if (algorithm.token.equalsIgnoreCase(name)) {
                    return algorithm;
                }
            }
            return null;
        }
    }

    private final String realm;
    private final String nonce;
    private final String opaque;
    private final boolean qopAuth;
    private final Algorithm algorithm;
    private final String clientNonce;
    private int nonceCount;

    private DigestSession(AuthChallenge challenge, Algorithm algorithm, boolean qopAuth) {
        this.realm = challenge.param("realm");
        this.nonce = challenge.param("nonce");
        this.opaque = challenge.param("opaque");
        this.algorithm = algorithm;
        this.qopAuth = qopAuth;
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        this.clientNonce = HexFormat.of().formatHex(random);
    }

    /**
     * The session for the best Digest challenge offered: SHA-256 before MD5 (RFC 7616 §3.7), qop "auth" or none;
     * null if there is no usable one (no realm or nonce, only qop "auth-int", an unknown algorithm).
     */
    static DigestSession choose(List<AuthChallenge> challenges) {
        DigestSession best = null;
        for (AuthChallenge challenge : challenges) {
            if (!challenge.scheme().equals("digest") || challenge.param("realm") == null
                    || challenge.param("nonce") == null) {
                continue;
            }
            Algorithm algorithm = Algorithm.of(challenge.param("algorithm"));
            String qop = challenge.param("qop");
            boolean qopAuth = qop != null && List.of(qop.toLowerCase(Locale.ROOT).split("\\s*,\\s*")).contains("auth");
            if (algorithm == null || qop != null && !qopAuth) {
                continue;
            }
            if (best == null || algorithm.ordinal() < best.algorithm.ordinal()) {
                best = new DigestSession(challenge, algorithm, qopAuth);
            }
        }
        return best;
    }

    String realm() {
        return realm;
    }

    /** The {@code Authorization} value for a request with this method and request-target, counting the nonce. */
    String authorization(Credentials credentials, String method, String target) {
        int count;
        synchronized (this) {
            count = ++nonceCount;
        }
        String nc = String.format(Locale.ROOT, "%08x", count);
        String secret = hash(credentials.user() + ":" + realm + ":" + credentials.secret());
        // RFC 7616 §3.4.2: the -sess variants bind the secret to the server and client nonces. The client nonce
        // stays the same for the life of the server nonce, so a server computing it per request agrees.
        String ha1 = algorithm.isSession() ? hash(secret + ":" + nonce + ":" + clientNonce) : secret;
        String ha2 = hash(method + ":" + target);
        String response = qopAuth ? hash(ha1 + ":" + nonce + ":" + nc + ":" + clientNonce + ":auth:" + ha2)
                : hash(ha1 + ":" + nonce + ":" + ha2);
        StringBuilder value = new StringBuilder("Digest username=").append(quoted(credentials.user()))
                .append(", realm=").append(quoted(realm))
                .append(", nonce=").append(quoted(nonce))
                .append(", uri=").append(quoted(target))
                .append(", algorithm=").append(algorithm.token)
                .append(", response=\"").append(response).append('"');
        if (qopAuth) {
            value.append(", qop=auth, nc=").append(nc).append(", cnonce=\"").append(clientNonce).append('"');
        }
        if (opaque != null) {
            value.append(", opaque=").append(quoted(opaque));
        }
        return value.toString();
    }

    private String hash(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance(algorithm.jdkName);
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks " + algorithm.jdkName, e);
        }
    }

    private static String quoted(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
