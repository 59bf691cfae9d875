package dev.wisp.client.internal;

import dev.wisp.client.Credentials;
import dev.wisp.client.Request;
import dev.wisp.core.Body;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One Digest protection space as a client keeps it (RFC 7616): the server's nonce and options, the client nonce,
 * and the nonce count, which goes up by one with each request that uses the nonce, across requests.
 * {@link #authorization} computes the {@code Authorization} value for one request: qop "auth", "auth-int" (the
 * body hashed) or none, the user name plain, as {@code username*} or hashed ({@code userhash=true}).
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

    /** The quality of protection a request is sent with (RFC 7616 §3.3); NONE is RFC 2069's, no qop at all. */
    enum Qop {
        NONE, AUTH, AUTH_INT
    }

    private final String realm;
    private final String nonce;
    private final String opaque;
    private final Algorithm algorithm;
    /** The qops the challenge offered: {NONE} when it named none, else some of AUTH and AUTH_INT. */
    private final Set<Qop> offered;
    private final boolean userhash;
    private final String clientNonce;
    private int nonceCount;

    DigestSession(AuthChallenge challenge, Algorithm algorithm, String clientNonce) {
        this.realm = challenge.param("realm");
        this.nonce = challenge.param("nonce");
        this.opaque = challenge.param("opaque");
        this.algorithm = algorithm;
        this.offered = offered(challenge.param("qop"));
        this.userhash = "true".equalsIgnoreCase(challenge.param("userhash"));
        this.clientNonce = clientNonce;
    }

    /**
     * Whether a Digest challenge says {@code stale=true}: the answer was right but its nonce had expired (RFC 7616
     * §3.3), so the same credentials go again with the new nonce.
     */
    static boolean saysStale(List<AuthChallenge> challenges) {
        return challenges.stream().anyMatch(challenge -> challenge.scheme().equals("digest")
                && "true".equalsIgnoreCase(challenge.param("stale")));
    }

    /**
     * The session for the best Digest challenge offered: SHA-256 before MD5 (RFC 7616 §3.7), with qop "auth",
     * "auth-int" or none; null if there is no usable one (no realm or nonce, only unknown qops, an unknown
     * algorithm).
     */
    static DigestSession choose(List<AuthChallenge> challenges) {
        DigestSession best = null;
        for (AuthChallenge challenge : challenges) {
            if (!challenge.scheme().equals("digest") || challenge.param("realm") == null
                    || challenge.param("nonce") == null) {
                continue;
            }
            Algorithm algorithm = Algorithm.of(challenge.param("algorithm"));
            if (algorithm == null || offered(challenge.param("qop")).isEmpty()) {
                continue;
            }
            if (best == null || algorithm.ordinal() < best.algorithm.ordinal()) {
                byte[] random = new byte[16];
                RANDOM.nextBytes(random);
                best = new DigestSession(challenge, algorithm, HexFormat.of().formatHex(random));
            }
        }
        return best;
    }

    private static Set<Qop> offered(String qop) {
        if (qop == null) {
            return Set.of(Qop.NONE);
        }
        Set<Qop> offered = EnumSet.noneOf(Qop.class);
        for (String option : qop.toLowerCase(Locale.ROOT).split("\\s*,\\s*")) {
            switch (option.strip()) {
                case "auth" -> offered.add(Qop.AUTH);
                case "auth-int" -> offered.add(Qop.AUTH_INT);
                default -> { } // RFC 7616 §3.3: unrecognized options must be ignored
            }
        }
        return Set.copyOf(offered);
    }

    String realm() {
        return realm;
    }

    /**
     * The qop for this request, or null if none fits. "auth" wins when both are offered, as curl chooses:
     * "auth-int" protects the body but not the header fields, costs a second pass over the body, and TLS protects
     * both. "auth-int" alone is used when the body can be read for its hash before it is sent (empty, or
     * repeatable: bytes, text, file, form); a one-shot stream cannot be.
     */
    private Qop qopFor(Request request) {
        if (offered.contains(Qop.AUTH)) {
            return Qop.AUTH;
        }
        if (offered.contains(Qop.NONE)) {
            return Qop.NONE;
        }
        return request.body().length() == 0 || request.isBodyRepeatable() ? Qop.AUTH_INT : null;
    }

    /**
     * The {@code Authorization} value for this request, counting the nonce; null if no offered qop fits it (only
     * "auth-int", and a body that cannot be read twice).
     *
     * @throws IOException if reading a file body for its hash fails
     */
    String authorization(Credentials credentials, Request request) throws IOException {
        Qop qop = qopFor(request);
        if (qop == null) {
            return null;
        }
        int count;
        synchronized (this) {
            count = ++nonceCount;
        }
        String bodyHash = qop == Qop.AUTH_INT ? bodyHash(request.body()) : null;
        return authorization(credentials, request.method().name(), request.target(), qop, count, bodyHash);
    }

    /** The {@code Authorization} value with a given qop, nonce count and (for "auth-int") body hash. */
    private String authorization(Credentials credentials, String method, String target, Qop qop, int count,
            String bodyHash) {
        String nc = String.format(Locale.ROOT, "%08x", count);
        String user = credentials.user();
        String secret = hash(user + ":" + realm + ":" + credentials.secret());
        // RFC 7616 §3.4.2: the -sess variants bind the secret to the server and client nonces. The client nonce
        // stays the same for the life of the server nonce, so a server computing it per request agrees.
        String ha1 = algorithm.isSession() ? hash(secret + ":" + nonce + ":" + clientNonce) : secret;
        // RFC 7616 §3.4.3: with auth-int, A2 ends with the hash of the entity body as sent.
        String ha2 = hash(method + ":" + target + (qop == Qop.AUTH_INT ? ":" + bodyHash : ""));
        String qopToken = qop == Qop.AUTH_INT ? "auth-int" : "auth";
        String response = qop == Qop.NONE ? hash(ha1 + ":" + nonce + ":" + ha2)
                : hash(ha1 + ":" + nonce + ":" + nc + ":" + clientNonce + ":" + qopToken + ":" + ha2);
        StringBuilder value = new StringBuilder("Digest ").append(usernameParameter(user))
                .append(", realm=").append(quoted(realm))
                .append(", nonce=").append(quoted(nonce))
                .append(", uri=").append(quoted(target))
                .append(", algorithm=").append(algorithm.token)
                .append(", response=\"").append(response).append('"');
        if (qop != Qop.NONE) {
            value.append(", qop=").append(qopToken).append(", nc=").append(nc)
                    .append(", cnonce=\"").append(clientNonce).append('"');
        }
        if (opaque != null) {
            value.append(", opaque=").append(quoted(opaque));
        }
        if (userhash) {
            value.append(", userhash=true");
        }
        return value.toString();
    }

    /**
     * RFC 7616 §3.4.4: with userhash=true the user name goes as H(username ":" realm); otherwise quoted when it is
     * printable ASCII, else as username* in RFC 8187's UTF-8 extended notation (the two are never sent together).
     */
    private String usernameParameter(String user) {
        if (userhash) {
            return "username=\"" + hash(user + ":" + realm) + '"';
        }
        return user.chars().allMatch(c -> c >= 0x20 && c < 0x7f) ? "username=" + quoted(user)
                : "username*=UTF-8''" + extendedValue(user);
    }

    /** RFC 8187 §3.2.1: attr-char as is, every other UTF-8 byte as %XX. */
    static String extendedValue(String text) {
        StringBuilder encoded = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            boolean attrChar = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || "!#$&+-.^_`|~".indexOf(c) >= 0;
            if (attrChar) {
                encoded.append(c);
            } else {
                encoded.append('%').append(HexFormat.of().withUpperCase().toHexDigits((byte) c));
            }
        }
        return encoded.toString();
    }

    private String bodyHash(Body body) throws IOException {
        MessageDigest digest = messageDigest();
        if (body.length() != 0) { // an empty one-shot stream is not read, so that it can still be sent
            try (OutputStream out = new DigestOutputStream(OutputStream.nullOutputStream(), digest)) {
                body.writeTo(out);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private String hash(String text) {
        return HexFormat.of().formatHex(messageDigest().digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private MessageDigest messageDigest() {
        try {
            return MessageDigest.getInstance(algorithm.jdkName);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks " + algorithm.jdkName, e);
        }
    }

    private static String quoted(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
