package dev.wisp.cli;

import dev.wisp.client.ClientConfig;
import java.time.Duration;

/** The client options {@code wisp get} and {@code wisp ws} share: {@code --connect-timeout}; the TLS
 * options are {@link ClientTlsOptions}. */
final class ClientFlags {
    private ClientFlags() {
    }

    /** A client configuration with wisp's User-Agent (or none) and the shared options applied, to add to. */
    static ClientConfig.Builder configure(Arguments parsed) throws UsageException {
        // -H 'User-Agent:' sends none, as curl does; an empty agent is the client's "none".
        ClientConfig.Builder config = ClientConfig.builder()
                .userAgent(GetRequests.removesHeader(parsed, "User-Agent") ? "" : "wisp/" + Main.version());
        if (parsed.has("--connect-timeout")) {
            config.connectTimeout(seconds(parsed, "--connect-timeout"));
        }
        return config;
    }

    /** {@code --max-time}: none when not given or 0, which curl reads as no limit. */
    static Duration maxTime(Arguments parsed) throws UsageException {
        if (!parsed.has("--max-time") || parsed.value("--max-time").orElseThrow().matches("0+(\\.0*)?")) {
            return null;
        }
        return seconds(parsed, "--max-time");
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
