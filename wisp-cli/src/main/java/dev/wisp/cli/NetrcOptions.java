package dev.wisp.cli;

import dev.wisp.client.ClientConfig;
import dev.wisp.client.Credentials;
import dev.wisp.client.Request;
import dev.wisp.core.Authority;
import dev.wisp.core.MalformedMessageException;
import dev.wisp.core.PercentEncoding;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code .netrc} flags of {@code wisp get}, as curl has them: {@code -n} reads {@code $HOME/.netrc},
 * {@code --netrc-file FILE} another file, {@code --netrc-optional} is {@code -n} (curl makes neither a must: a file
 * that is not there gives no logins). A login is looked up by host for the request and for each host a redirect
 * goes to (the client's {@code CredentialsProvider}); {@code -u} and a URL's {@code user:password} come first, and
 * a URL's user without a password takes the password of that user's entry. The credentials go in the scheme
 * {@code --basic}/{@code --digest} choose, else whichever the server asks for, as {@code -u}'s.
 */
final class NetrcOptions {
    static final List<Option> OPTIONS = List.of(
            new Option("--netrc", "-n", null, "take the login for the host (and for each host redirected to) from"
                    + " ~/.netrc"),
            new Option("--netrc-file", null, "FILE", "as --netrc, from FILE"),
            new Option("--netrc-optional", null, null, "as --netrc (the file need not be there, as for --netrc)"));

    private NetrcOptions() {
    }

    /** A netrc file that is there but could not be read. */
    static final class NetrcFileException extends IOException {
        NetrcFileException(String message) {
            super(message);
        }
    }

    /**
     * Gives the client the file's logins by host and, when the URL names a user without a password, the request
     * that user's password. Does nothing without a netrc flag, and for the request when {@code -u} gave it
     * credentials or its URL gave a password.
     */
    static void apply(Arguments parsed, Map<String, String> environment, URI url, ClientConfig.Builder config,
            Request.Builder request) throws NetrcFileException, UsageException {
        Optional<Path> file = file(parsed, environment);
        if (file.isEmpty()) {
            return;
        }
        NetrcFile netrc = read(file.get());
        config.credentialsProvider(origin -> netrc.find(origin.host(), null)
                .flatMap(entry -> credentials(parsed, entry.login(), entry.password())));
        String userInfo = Authority.rawUserInfoOf(url);
        if (parsed.has("--user") || userInfo == null || userInfo.contains(":")) {
            return;
        }
        String user;
        try {
            user = PercentEncoding.decode(userInfo, false);
        } catch (MalformedMessageException e) {
            return; // not a user name a netrc entry can be for: the request refuses the URL itself
        }
        Optional<NetrcFile.Entry> entry = netrc.find(Authority.hostOf(url), user);
        if (entry.isPresent() && entry.get().password() != null) {
            try {
                request.credentials(AuthOptions.credentials(parsed, user, entry.get().password()));
            } catch (IllegalArgumentException e) {
                throw new UsageException("the netrc password of " + user + ": " + e.getMessage());
            }
        }
    }

    private static Optional<Path> file(Arguments parsed, Map<String, String> environment) {
        if (parsed.has("--netrc-file")) {
            return Optional.of(Path.of(parsed.value("--netrc-file").orElseThrow()));
        }
        if (!parsed.has("--netrc") && !parsed.has("--netrc-optional")) {
            return Optional.empty();
        }
        String home = environment.getOrDefault("HOME", System.getProperty("user.home"));
        return Optional.of(Path.of(home, ".netrc"));
    }

    private static NetrcFile read(Path file) throws NetrcFileException {
        try {
            return NetrcFile.parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return NetrcFile.parse("");
        } catch (IOException e) {
            throw new NetrcFileException("cannot read netrc file " + file + ": " + e.getMessage());
        }
    }

    /** An entry's credentials; none for one whose user or password cannot be sent, as for one without a login. */
    private static Optional<Credentials> credentials(Arguments parsed, String login, String password) {
        try {
            return Optional.of(AuthOptions.credentials(parsed, login == null ? "" : login,
                    password == null ? "" : password));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
