package dev.wisp.cli;

import dev.wisp.client.ClientConfig;
import dev.wisp.client.RedirectPolicy;
import java.util.List;

/**
 * The redirect flags of {@code wisp get}, as curl has them: nothing is followed without {@code -L}; with it, up to
 * {@code --max-redirs} redirects (10 by default), never from https to http unless {@code --allow-downgrade}.
 */
final class RedirectOptions {
    static final List<Option> OPTIONS = List.of(
            new Option("--location", "-L", null, "follow redirects (RFC 9110: a 303 becomes GET)"),
            new Option("--max-redirs", null, "N", "with -L, follow at most N redirects (default 10; -1: no limit)"),
            new Option("--allow-downgrade", null, null, "with -L, follow a redirect from https to http"));

    private RedirectOptions() {
    }

    static void apply(Arguments parsed, ClientConfig.Builder config) throws UsageException {
        int max = parsed.intValue("--max-redirs", 10, -1, 1000);
        if (max < 0) {
            max = Integer.MAX_VALUE; // curl's -1: no limit
        }
        if (!parsed.has("--location")) {
            config.redirectPolicy(RedirectPolicy.none());
            return;
        }
        RedirectPolicy policy = RedirectPolicy.follow().withMaxRedirects(max);
        config.redirectPolicy(parsed.has("--allow-downgrade") ? policy.allowingTlsDowngrade() : policy);
    }
}
