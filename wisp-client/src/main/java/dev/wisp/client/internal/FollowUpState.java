package dev.wisp.client.internal;

import dev.wisp.client.CookieJar;
import dev.wisp.client.Credentials;
import dev.wisp.client.CredentialsProvider;
import dev.wisp.client.Origin;
import dev.wisp.client.Request;
import dev.wisp.core.ResponseHead;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a client remembers between the hops and calls it runs, and what it adds to each request: credentials as
 * their scheme asks (Basic and Bearer at once; Digest once a challenge gave a nonce, with the next nonce count),
 * cookies from the jar, and the answer to a {@code 401} challenge. A request without credentials of its own has its
 * origin's from the client's {@link CredentialsProvider}, if it has one, asked once per call and origin
 * ({@link CallFollowUps}). One per {@code Client} or {@code ClientConnection}.
 *
 * <p>Thread-safe: the Digest sessions are in a concurrent map, one per origin (the last realm that challenged); a
 * {@link CallFollowUps} belongs to one call's thread.
 */
public final class FollowUpState {
    private final Map<Origin, DigestSession> digests = new ConcurrentHashMap<>();
    private final CookieJar cookies;
    private final CredentialsProvider credentialsProvider;

    /**
     * @param cookies the jar shared by the client's calls, or null for none
     * @param credentialsProvider the credentials of requests without their own, or null for none
     */
    public FollowUpState(CookieJar cookies, CredentialsProvider credentialsProvider) {
        this.cookies = cookies;
        this.credentialsProvider = credentialsProvider;
    }

    /** A call's view of this state: what goes out on each of its requests, and the answer to a challenge. */
    public CallFollowUps forCall() {
        return new CallFollowUps();
    }

    private Request withCookies(Request request) {
        if (cookies == null) {
            return request;
        }
        String fromJar = cookies.cookieHeader(request.uri()).orElse(null);
        if (fromJar == null) {
            return request;
        }
        String own = request.headers().firstOrNull("Cookie");
        return request.toBuilder().setHeader("Cookie", own == null ? fromJar : own + "; " + fromJar).build();
    }

    /** Learns from a response head: its cookies go in the jar. */
    void received(Request request, ResponseHead head) {
        if (cookies != null && head.headers().contains("Set-Cookie")) {
            cookies.receive(request.uri(), head.headers().all("Set-Cookie"));
        }
    }

    /**
     * The follow-ups of one call (its redirect hops, the answer to a challenge, a WebSocket's opening handshake): the
     * credentials the provider gave for an origin are kept for the rest of the call, so that it is asked at most once
     * per call and origin; a redirect to another origin asks for that origin's. Used by the call's thread alone.
     */
    public final class CallFollowUps {
        /** The provider's answer for each origin this call went to, empty where it had none. */
        private final Map<Origin, Optional<Credentials>> provided = new HashMap<>();

        private CallFollowUps() {
        }

        /**
         * The request as it goes out: with the jar's cookies for its URI after any {@code Cookie} field of its own,
         * and its {@code Authorization} when its credentials can say it now.
         */
        public Request prepare(Request request) throws IOException {
            return withCredentials(withCookies(request));
        }

        private Request withCredentials(Request request) throws IOException {
            Credentials credentials = credentials(request);
            if (credentials == null || request.headers().contains("Authorization")) {
                return request;
            }
            String authorization = switch (credentials.scheme()) {
                case BASIC -> credentials.basicAuthorization();
                case BEARER -> "Bearer " + credentials.secret();
                case DIGEST, ANY -> {
                    DigestSession session = digests.get(request.origin());
                    yield session == null ? null : session.authorization(credentials, request);
                }
            };
            return authorization == null ? request
                    : request.toBuilder().setHeader("Authorization", authorization).build();
        }

        /** The request's own credentials, else its origin's from the provider, asked once per call; null for none. */
        private Credentials credentials(Request request) {
            if (request.credentials().isPresent() || credentialsProvider == null) {
                return request.credentials().orElse(null);
            }
            return provided.computeIfAbsent(request.origin(), credentialsProvider::credentials).orElse(null);
        }

        /**
         * The request that answers a {@code 401} challenge, or null: when the request has credentials that can answer
         * it (Digest, or with {@link Credentials#any} Digest or Basic) and a body that can be sent again. Takes and
         * gives a request before {@link #prepare}, which the answer goes through once the challenge's cookies are in
         * the jar, so that it carries them and none twice.
         */
        Request answerChallenge(Request request, ResponseHead head) throws IOException {
            if (head.status().code() != 401) {
                return null;
            }
            Credentials credentials = credentials(request);
            if (credentials == null || request.body().length() != 0 && !request.isBodyRepeatable()) {
                return null;
            }
            List<AuthChallenge> challenges = AuthChallengeParser.parse(head.headers().all("WWW-Authenticate"));
            String authorization = null;
            if (credentials.scheme() == Credentials.Scheme.DIGEST
                    || credentials.scheme() == Credentials.Scheme.ANY) {
                DigestSession session = DigestSession.choose(challenges);
                if (session != null) {
                    digests.put(request.origin(), session);
                    authorization = session.authorization(credentials, request);
                }
            }
            if (authorization == null && credentials.scheme() == Credentials.Scheme.ANY
                    && challenges.stream().anyMatch(challenge -> challenge.scheme().equals("basic"))) {
                authorization = credentials.basicAuthorization();
            }
            return authorization == null ? null
                    : request.toBuilder().setHeader("Authorization", authorization).build();
        }
    }
}
