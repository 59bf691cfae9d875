package dev.wisp.client;

import java.util.Optional;

/**
 * The credentials a client has for an origin, for each request that brings none of its own
 * ({@link ClientConfig.Builder#credentialsProvider}): as a {@code .netrc} file gives curl a login per host, or the
 * JDK's {@code Authenticator} gives its client one. A redirect to another origin drops the request's credentials,
 * so that they never reach a host they were not meant for; the provider is then asked for the new origin's.
 *
 * <p>Asked at most once per call and origin, on the call's own thread, when the call first needs that origin's
 * credentials: the answer, credentials or none, holds for the rest of the call (its redirect hops to that origin, the
 * answer to a {@code 401} challenge, a WebSocket's opening handshake and its answer to a challenge); a redirect to
 * another origin asks for that origin's, and the next call asks again. Many calls ask at once: it must be thread-safe
 * and quick, and must not make calls of its own.
 */
@FunctionalInterface
public interface CredentialsProvider {
    /** The credentials to authenticate with at this origin, if any. */
    Optional<Credentials> credentials(Origin origin);
}
