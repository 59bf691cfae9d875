package dev.wisp.cli;

import static java.lang.System.Logger.Level.WARNING;

import dev.wisp.client.ClientConfig;
import java.security.GeneralSecurityException;
import java.time.Duration;

/** The client options {@code wisp get} and {@code wisp ws} share: {@code --connect-timeout} and {@code --insecure}. */
final class ClientFlags {
    private static final System.Logger LOG = System.getLogger(ClientFlags.class.getName());

    private ClientFlags() {
    }

    /** A client configuration with wisp's User-Agent and the shared options applied, to add to. */
    static ClientConfig.Builder configure(Arguments parsed) throws UsageException {
        ClientConfig.Builder config = ClientConfig.builder().userAgent("wisp/" + Main.version());
        if (parsed.has("--connect-timeout")) {
            config.connectTimeout(seconds(parsed, "--connect-timeout"));
        }
        if (parsed.has("--insecure")) {
            LOG.log(WARNING, "--insecure: the server's certificate and name are not verified");
            try {
                config.sslContext(InsecureTrust.insecureTrustAllContext());
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot make the TLS context for --insecure", e);
            }
        }
        return config;
    }

    static Duration seconds(Arguments parsed, String option) throws UsageException {
        String text = parsed.value(option).orElseThrow();
        try {
            double seconds = Double.parseDouble(text);
            if (seconds > 0 && seconds < 1e9) {
                return Duration.ofNanos((long) (seconds * 1e9));
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException("option " + option + " must be a positive number of seconds: '" + text + "'");
    }
}
