package dev.wisp.cli;

import dev.wisp.client.CallCanceledException;
import dev.wisp.client.ClientClosedException;
import dev.wisp.client.ConnectFailedException;
import dev.wisp.client.ConnectRefusedException;
import dev.wisp.client.DownloadFailedException;
import dev.wisp.client.EventSourceRefusedException;
import dev.wisp.client.ConnectionClosedException;
import dev.wisp.client.HttpCallException;
import dev.wisp.client.RedirectRefusedException;
import dev.wisp.client.RequestBodyLengthException;
import dev.wisp.client.RequestQueueFullException;
import dev.wisp.client.RequestTooLargeException;
import dev.wisp.client.ResponseTooLargeException;
import dev.wisp.client.ResponseProtocolException;
import dev.wisp.client.ProxyAuthenticationException;
import dev.wisp.client.ProxyTunnelRefusedException;
import dev.wisp.client.SocksProxyException;
import dev.wisp.client.TimeoutExceededException;
import dev.wisp.client.TlsHandshakeException;
import dev.wisp.client.TooManyRedirectsException;
import dev.wisp.client.UnresolvedHostException;
import dev.wisp.client.WebSocketNeedsTunnelException;
import dev.wisp.client.WebSocketRefusedException;
import dev.wisp.tls.PublicKeyPinException;

/**
 * The exit codes of {@code wisp get} and {@code wisp ws}: curl's numbers for the same conditions, so scripts
 * written for curl read them the same way. The README lists them. {@link #CLOSED_WITH_ERROR} is Wisp's own: curl
 * has no code for a WebSocket that the server closes with an error status.
 */
final class ExitCodes {
    static final int OK = 0;
    static final int FAILURE = 1;
    static final int USAGE = 2;
    /** {@code wisp ws}: the server closed the WebSocket with a status other than 1000, 1001 or none (1005). */
    static final int CLOSED_WITH_ERROR = 3;
    /** {@code wisp get}: the URL, or a redirect's Location, is not one a request can go to (curl's 3 too). */
    static final int URL_MALFORMED = 3;
    static final int UNRESOLVED_HOST = 6;
    static final int CONNECT_FAILED = 7;
    static final int BAD_RESPONSE = 8;
    /** The body ended before its Content-Length or last chunk: what was written is a part of it. */
    static final int PARTIAL_FILE = 18;
    static final int HTTP_ERROR = 22;
    static final int WRITE_ERROR = 23;
    static final int READ_ERROR = 26;
    static final int TIMEOUT = 28;
    static final int TOO_MANY_REDIRECTS = 47;
    /** The server closed the connection without a byte of response. */
    static final int GOT_NOTHING = 52;
    static final int TLS_FAILED = 35;
    static final int RECEIVE_FAILED = 56;
    static final int LOCAL_CERTIFICATE_FAILED = 58;
    static final int CERTIFICATE_REJECTED = 60;
    /** {@code --compressed}: a content coding not known, or a body that does not decode. */
    static final int BAD_CONTENT_ENCODING = 61;
    static final int CA_FILE_FAILED = 77;
    static final int FILE_TOO_LARGE = 63;
    static final int PINNED_KEY_MISMATCH = 90;
    static final int PROXY_FAILED = 97;

    private ExitCodes() {
    }

    static int of(HttpCallException failure) {
        return switch (failure) {
            case UnresolvedHostException e -> UNRESOLVED_HOST;
            case ConnectRefusedException e -> CONNECT_FAILED;
            case SocksProxyException e -> PROXY_FAILED;
            // curl: a proxy that refused the tunnel is a receive failure (56), not a failure to connect (7).
            case ProxyAuthenticationException e -> RECEIVE_FAILED;
            case ProxyTunnelRefusedException e -> RECEIVE_FAILED;
            case ConnectFailedException e -> CONNECT_FAILED;
            case TimeoutExceededException e -> TIMEOUT;
            case TlsHandshakeException e -> isPinMismatch(e) ? PINNED_KEY_MISMATCH
                    : e.isCertificateRejected() ? CERTIFICATE_REJECTED : TLS_FAILED;
            case ResponseProtocolException e -> BAD_RESPONSE;
            case ConnectionClosedException e -> RECEIVE_FAILED;
            case CallCanceledException e -> FAILURE;
            case RequestQueueFullException e -> FAILURE;
            case ClientClosedException e -> FAILURE;
            case RequestBodyLengthException e -> FAILURE;
            case WebSocketRefusedException e -> HTTP_ERROR;
            case EventSourceRefusedException e -> HTTP_ERROR;
            case WebSocketNeedsTunnelException e -> FAILURE;
            case TooManyRedirectsException e -> TOO_MANY_REDIRECTS;
            case RedirectRefusedException e -> FAILURE;
            case RequestTooLargeException e -> FAILURE;
            case ResponseTooLargeException e -> FILE_TOO_LARGE;
            case DownloadFailedException e -> switch (e.reason()) {
                case REFUSED -> HTTP_ERROR;
                case TOO_LARGE -> FILE_TOO_LARGE;
                case DIGEST_MISMATCH -> FAILURE;
            };
        };
    }

    /** Whether the server's chain held no key that {@code --pinnedpubkey} pinned. */
    private static boolean isPinMismatch(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof PublicKeyPinException) {
                return true;
            }
        }
        return false;
    }
}
