package dev.wisp.server.filters;

import dev.wisp.core.Ascii;
import dev.wisp.core.Headers;
import dev.wisp.core.Status;
import dev.wisp.server.Filter;
import dev.wisp.server.Handler;
import dev.wisp.server.ServerRequest;
import dev.wisp.server.ServerResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link Filter} that lets through only requests with a user's credentials, in HTTP Basic authentication
 * (RFC 7617): any other request is answered 401 with {@code WWW-Authenticate: Basic realm="...", charset="UTF-8"},
 * never reaching the routes, so that a browser asks its user and curl's {@code -u} or the JDK's {@code HttpClient}
 * with an {@code Authenticator} answer. Every exchange is checked: each request, each HTTP/2 stream, a WebSocket's
 * upgrade.
 *
 * <pre>{@code
 * Filter auth = BasicAuth.builder("files").user("alice", "correct horse battery staple").build();
 * }</pre>
 *
 * <p>The password travels in every request, readable by anyone on the path unless the connection is TLS: serve it
 * over HTTPS. Passwords are kept as their SHA-256 and compared in constant time; a name that is no user's costs the
 * same hash. Credentials are decoded as UTF-8 (which the challenge announces), and a malformed field (not base64,
 * no colon, not UTF-8, two {@code Authorization} fields) counts as none. Put {@link Cors} before this filter: a
 * browser's preflight carries no credentials. Pair it with a {@link RateLimit} against guessing. Nothing about the
 * credentials is logged.
 *
 * <p>Immutable and thread-safe; build one with {@link #builder(String)}.
 */
public final class BasicAuth implements Filter {
    private static final String AUTHORIZATION = "Authorization";
    private static final String SCHEME = "basic ";
    /** The hash compared against when the name is no user's, so that the answer takes as long. */
    private static final byte[] NO_USER = new byte[32];

    private final String challenge;
    private final Map<String, byte[]> passwordHashes;
    private final Verifier verifier;

    /** Decides whether a user name and password, as the client sent them, are a user's. */
    @FunctionalInterface
    public interface Verifier {
        boolean verify(String user, String password);
    }

    private BasicAuth(Builder builder) {
        this.challenge = "Basic realm=\"" + builder.realm + "\", charset=\"UTF-8\"";
        this.passwordHashes = Map.copyOf(builder.passwordHashes);
        this.verifier = builder.verifier;
    }

    /**
     * A builder for this realm, the name a browser shows its user.
     *
     * @throws IllegalArgumentException if the realm holds a quote, a backslash or a control character
     */
    public static Builder builder(String realm) {
        return new Builder(realm);
    }

    /** Not on a port that redirects to HTTPS: its challenge there would have the password sent in clear text. */
    @Override
    public boolean runsBeforeHttpsRedirect() {
        return false;
    }

    @Override
    public void filter(ServerRequest request, ServerResponse response, Handler next) throws IOException {
        Credentials credentials = credentials(request.headers());
        if (credentials != null && isUser(credentials)) {
            next.handle(request, response);
            return;
        }
        response.status(Status.UNAUTHORIZED).header("WWW-Authenticate", challenge)
                .send("authentication required\n");
    }

    /**
     * The user name of a request's Basic credentials: for a handler behind this filter, the user it let through;
     * empty for a request without such credentials.
     */
    public static Optional<String> user(ServerRequest request) {
        return user(request.headers());
    }

    /** As {@link #user(ServerRequest)}, from a request's header fields. */
    public static Optional<String> user(Headers headers) {
        Credentials credentials = credentials(headers);
        return credentials == null ? Optional.empty() : Optional.of(credentials.user());
    }

    private boolean isUser(Credentials credentials) {
        if (verifier != null) {
            return verifier.verify(credentials.user(), credentials.password());
        }
        byte[] given = sha256(credentials.password());
        byte[] expected = passwordHashes.get(credentials.user());
        return MessageDigest.isEqual(given, expected == null ? NO_USER : expected) && expected != null;
    }

    private record Credentials(String user, String password) {
    }

    /** The Basic credentials of these header fields, or null when they have none or they are malformed. */
    private static Credentials credentials(Headers headers) {
        List<String> fields = headers.all(AUTHORIZATION);
        if (fields.size() != 1) {
            return null;
        }
        String field = fields.getFirst().strip();
        if (field.length() <= SCHEME.length() || !Ascii.toLowerCase(field.substring(0, SCHEME.length()))
                .equals(SCHEME)) {
            return null;
        }
        try {
            byte[] decoded = Base64.getDecoder().decode(field.substring(SCHEME.length()).strip());
            String pair = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(decoded)).toString();
            int colon = pair.indexOf(':');
            return colon < 0 ? null : new Credentials(pair.substring(0, colon), pair.substring(colon + 1));
        } catch (IllegalArgumentException | CharacterCodingException e) {
            return null;
        }
    }

    private static byte[] sha256(String password) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(password.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Collects the users, or a verifier; not thread-safe. */
    public static final class Builder {
        private final String realm;
        private final Map<String, byte[]> passwordHashes = new HashMap<>();
        private Verifier verifier;

        private Builder(String realm) {
            Objects.requireNonNull(realm, "realm");
            for (int i = 0; i < realm.length(); i++) {
                char c = realm.charAt(i);
                if (c == '"' || c == '\\' || c < 0x20 || c == 0x7f) {
                    throw new IllegalArgumentException("the realm must be a plain text without quotes, backslashes"
                            + " or control characters: '" + Ascii.escape(realm) + "'");
                }
            }
            this.realm = realm;
        }

        /**
         * A user and its password; a later call for the same name replaces it.
         *
         * @throws IllegalArgumentException if the name holds a colon (Basic credentials cannot carry it) or a control
         *     character, or is empty
         */
        public Builder user(String name, String password) {
            Objects.requireNonNull(password, "password");
            if (name.isEmpty() || name.indexOf(':') >= 0 || name.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                throw new IllegalArgumentException("a user name must be non-empty, without a colon or control"
                        + " characters: '" + Ascii.escape(name) + "'");
            }
            passwordHashes.put(name, sha256(password));
            return this;
        }

        /** Checks credentials with this instead of the users given (a user store of the application's). */
        public Builder verifier(Verifier verifier) {
            this.verifier = Objects.requireNonNull(verifier, "verifier");
            return this;
        }

        /** @throws IllegalStateException without a user or a verifier, or with both */
        public BasicAuth build() {
            if (passwordHashes.isEmpty() == (verifier == null)) {
                throw new IllegalStateException("give users or a verifier, one of the two");
            }
            return new BasicAuth(this);
        }
    }
}
