package dev.wisp.cli;

import dev.wisp.client.ConnectFailedException;
import dev.wisp.client.ConnectionClosedException;
import dev.wisp.client.HttpCallException;
import dev.wisp.client.ProxyAuthenticationException;
import dev.wisp.client.ResponseProtocolException;
import java.io.EOFException;

/**
 * The exit code of a failed {@code wisp get} call where curl tells apart what one exception type of the client
 * covers, from when it failed: a body cut short (18) is not a connection closed before any answer (52), nor one that
 * broke otherwise (56); a proxy that refused the tunnel is a receive failure (56), not a failure to connect (7); a
 * redirect whose Location cannot be gone to is a malformed URL (3), not an invalid response (8). Everything else is
 * {@link ExitCodes#of}.
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
            case ConnectionClosedException e when isEmptyReply(e) -> ExitCodes.GOT_NOTHING;
            case ProxyAuthenticationException e -> ExitCodes.RECEIVE_FAILED;
            case ConnectFailedException e when isTunnelRefused(e) -> ExitCodes.RECEIVE_FAILED;
            case ResponseProtocolException e when heads.isLastRedirectUnfollowed() -> ExitCodes.URL_MALFORMED;
            default -> ExitCodes.of(failure);
        };
    }

    /**
     * The server closed the connection before a byte of the response: the read of the head met the end of the
     * stream at once. The client says so in its message's phase, "before the response" (a head cut partway is "in
     * the response head"), with the end of stream as the cause.
     */
    private static boolean isEmptyReply(ConnectionClosedException e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root instanceof EOFException && String.valueOf(e.getMessage()).contains(" before the response");
    }

    /**
     * The proxy answered CONNECT with a status other than 2xx. The client has no type of its own for that: it is a
     * {@link ConnectFailedException} that names the proxy and that no socket failure caused.
     */
    private static boolean isTunnelRefused(ConnectFailedException e) {
        return e.getClass() == ConnectFailedException.class && e.getCause() == null
                && String.valueOf(e.getMessage()).startsWith("proxy ");
    }
}
