package dev.wisp.client;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/**
 * What a request authenticates with, and how (esp_http_client's {@code auth_type}):
 * <ul>
 *   <li>{@link #basic} sends {@code Authorization: Basic} with the first request (RFC 7617), as a URI's userinfo
 *       does;</li>
 *   <li>{@link #digest} answers a {@code 401} Digest challenge (RFC 7616: MD5, SHA-256 and their {@code -sess}
 *       variants, {@code qop=auth}) with one retry, then sends the next requests to the same origin with the next
 *       nonce count at once, and answers {@code stale=true} with the new nonce (once more also when the answer to
 *       a challenge is itself told stale, as curl does). {@code qop=auth-int}, which hashes
 *       the body, is used only when the server does not offer {@code auth} (curl's choice too: auth-int guards the
 *       body but no header field, and costs a second pass over the body), and only for a body that can be read
 *       twice; a stream body then gets the {@code 401}. {@code userhash=true} sends {@code H(user ":" realm)} for
 *       the user name, and a user name that is not printable ASCII goes as {@code username*} (RFC 8187);</li>
 *   <li>{@link #any} sends nothing until the server challenges, then answers Digest or Basic, whichever it asks
 *       for: one extra round trip, as esp_http_client does when no auth type is given;</li>
 *   <li>{@link #bearer} sends {@code Authorization: Bearer} (RFC 6750) with every request.</li>
 * </ul>
 * A challenge is answered with one retry, and only when the request body can be sent again; otherwise the
 * {@code 401} is the response. Credentials never follow a redirect to another origin.
 *
 * <p>Immutable. {@link #toString()} never shows the password or token.
 */
public final class Credentials {
    /** How the credentials are presented. */
    public enum Scheme {
        BASIC, DIGEST, ANY, BEARER
    }

    private final Scheme scheme;
    private final String user;
    private final String secret;

    private Credentials(Scheme scheme, String user, String secret) {
        this.scheme = scheme;
        this.user = user;
        this.secret = secret;
    }

    /**
     * Basic credentials, sent with the first request.
     *
     * @throws IllegalArgumentException if the user contains ':' or either holds a control character
     */
    public static Credentials basic(String user, String password) {
        return new Credentials(Scheme.BASIC, checkedUser(user), checked(password, "password"));
    }

    /** Digest credentials, presented when the server challenges. */
    public static Credentials digest(String user, String password) {
        return new Credentials(Scheme.DIGEST, checkedUser(user), checked(password, "password"));
    }

    /** Credentials for whichever scheme, Digest or Basic, the server challenges with. */
    public static Credentials any(String user, String password) {
        return new Credentials(Scheme.ANY, checkedUser(user), checked(password, "password"));
    }

    /**
     * A bearer token (RFC 6750 §2.1: token68 characters).
     *
     * @throws IllegalArgumentException if the token is empty or holds a character outside token68
     */
    public static Credentials bearer(String token) {
        Objects.requireNonNull(token, "token");
        if (!token.matches("[A-Za-z0-9\\-._~+/]+=*")) {
            throw new IllegalArgumentException("bearer token must be token68 characters (RFC 6750 §2.1)");
        }
        return new Credentials(Scheme.BEARER, "", token);
    }

    private static String checkedUser(String user) {
        checked(user, "user");
        if (user.indexOf(':') >= 0) {
            throw new IllegalArgumentException("user must not contain ':' (RFC 7617 §2)");
        }
        return user;
    }

    private static String checked(String value, String name) {
        Objects.requireNonNull(value, name);
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) < 0x20 || value.charAt(i) == 0x7f) {
                throw new IllegalArgumentException(name + " must not contain control characters");
            }
        }
        return value;
    }

    public Scheme scheme() {
        return scheme;
    }

    /** The user name; empty for a bearer token. */
    public String user() {
        return user;
    }

    /** The password, or the bearer token. */
    public String secret() {
        return secret;
    }

    /** The {@code Authorization} value for Basic (RFC 7617 §2.1, UTF-8) with these user and password. */
    public String basicAuthorization() {
        byte[] pair = (user + ":" + secret).getBytes(StandardCharsets.UTF_8);
        return "Basic " + Base64.getEncoder().encodeToString(pair);
    }

    @Override
    public String toString() {
        return scheme == Scheme.BEARER ? "Bearer (token hidden)" : scheme + " for " + user + " (password hidden)";
    }
}
