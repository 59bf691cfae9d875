package dev.wisp.cli;

import dev.wisp.client.Credentials;
import dev.wisp.client.Request;
import java.util.List;

/**
 * The authentication flags of {@code wisp get}: {@code -u user:password} answers whichever challenge the server
 * sends, Digest or Basic (one extra round trip); {@code --basic} sends Basic at once, {@code --digest} only
 * answers Digest; {@code --oauth2-bearer} sends a bearer token.
 */
final class AuthOptions {
    static final List<Option> OPTIONS = List.of(
            new Option("--user", "-u", "USER:PASSWORD", "credentials for the scheme the server asks (Digest, Basic)"),
            new Option("--basic", null, null, "with -u, send Basic credentials with the first request"),
            new Option("--digest", null, null, "with -u, answer only a Digest challenge"),
            new Option("--anyauth", null, null, "with -u, answer Digest or Basic, as the server asks (default)"),
            new Option("--oauth2-bearer", null, "TOKEN", "send Authorization: Bearer TOKEN"));

    private AuthOptions() {
    }

    static void apply(Arguments parsed, Request.Builder request) throws UsageException {
        if (parsed.has("--oauth2-bearer")) {
            try {
                request.credentials(Credentials.bearer(parsed.value("--oauth2-bearer").orElseThrow()));
            } catch (IllegalArgumentException e) {
                throw new UsageException("option --oauth2-bearer: " + e.getMessage());
            }
        }
        if (!parsed.has("--user")) {
            return;
        }
        String pair = parsed.value("--user").orElseThrow();
        int colon = pair.indexOf(':');
        if (colon < 0) {
            throw new UsageException("option --user needs USER:PASSWORD (no password prompt)");
        }
        try {
            request.credentials(credentials(parsed, pair.substring(0, colon), pair.substring(colon + 1)));
        } catch (IllegalArgumentException e) {
            throw new UsageException("option --user: " + e.getMessage());
        }
    }

    /**
     * Credentials in the scheme the flags choose: Basic at once with {@code --basic}, Digest only with
     * {@code --digest}, else whichever the server asks for.
     *
     * @throws IllegalArgumentException if the user or password cannot be sent
     */
    static Credentials credentials(Arguments parsed, String user, String password) {
        return parsed.has("--basic") ? Credentials.basic(user, password)
                : parsed.has("--digest") ? Credentials.digest(user, password)
                : Credentials.any(user, password);
    }
}
