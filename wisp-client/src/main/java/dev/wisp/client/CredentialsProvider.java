package dev.wisp.client;

import java.util.Optional;

/**
 * The credentials a client has for an origin, for each request that brings none of its own
 * ({@link ClientConfig.Builder#credentialsProvider}): as a {@code .netrc} file gives curl a login per host, or the
 * JDK's {@code Authenticator} gives its client one. A redirect to another origin drops the request's credentials,
 * so that they never reach a host they were not meant for; the provider is then asked for the new origin's.
 *
 * <p>Called on a call's own thread, once per request sent (each hop of its redirects and a challenge's answer
 * included), and by many calls at once: it must be thread-safe and quick, and must not make calls of its own.
 */
@FunctionalInterface
public interface CredentialsProvider {
    /** The credentials to authenticate with at this origin, if any. */
    Optional<Credentials> credentials(Origin origin);
}
