package dev.wisp.cli;

import dev.wisp.client.ConnectionClosedException;
import dev.wisp.client.HttpCallException;
import dev.wisp.client.ResponseProtocolException;

/**
 * The exit code of a failed {@code wisp get} call where curl tells apart what one exception type of the client
 * covers, from when it failed: a body cut short (18) is not a connection closed before any answer (52), nor one that
 * broke otherwise (56); a redirect whose Location cannot be gone to is a malformed URL (3), not an invalid response
 * (8). Everything else is {@link ExitCodes#of}.
 */
final class GetExitCodes {
    private GetExitCodes() {
    }

    /**
     * @param answered whether the response head had come (the failure was in its body)
     * @param heads the heads received, to tell a refused redirect from a broken response
     */
    static int of(HttpCallException failure, boolean answered, ReceivedHeads heads) {
        return switch (failure) {
            case ConnectionClosedException e when answered -> ExitCodes.PARTIAL_FILE;
            case ConnectionClosedException e when e.isEmptyReply() -> ExitCodes.GOT_NOTHING;
            case ResponseProtocolException e when heads.isLastRedirectUnfollowed() -> ExitCodes.URL_MALFORMED;
            default -> ExitCodes.of(failure);
        };
    }
}
