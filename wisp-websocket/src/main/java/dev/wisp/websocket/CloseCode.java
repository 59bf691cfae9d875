package dev.wisp.websocket;

/**
 * The status codes of a WebSocket close frame (RFC 6455 §7.4), and which of them may travel on the wire.
 *
 * <p>Codes 1005, 1006 and 1015 are never sent: they stand for "no code received", "closed without a close frame"
 * and "TLS handshake failed" in local reports only. 1004 is reserved. 3000-3999 are registered with IANA for
 * libraries and frameworks, 4000-4999 are for private use by applications.
 */
public final class CloseCode {
    /** The purpose of the connection has been fulfilled. */
    public static final int NORMAL_CLOSURE = 1000;
    /** The endpoint is going away: a server shutting down, a browser leaving the page. */
    public static final int GOING_AWAY = 1001;
    /** The peer broke the protocol. */
    public static final int PROTOCOL_ERROR = 1002;
    /** A message of a type the endpoint cannot accept (binary to a text-only endpoint). */
    public static final int UNSUPPORTED_DATA = 1003;
    /** Local only: the close frame carried no code. */
    public static final int NO_STATUS_RECEIVED = 1005;
    /** Local only: the connection ended without a close frame. */
    public static final int ABNORMAL_CLOSURE = 1006;
    /** A text message (or close reason) that is not valid UTF-8. */
    public static final int INVALID_PAYLOAD = 1007;
    /** A message that violates the endpoint's policy. */
    public static final int POLICY_VIOLATION = 1008;
    /** A frame or message larger than the endpoint accepts. */
    public static final int MESSAGE_TOO_BIG = 1009;
    /** The client expected the server to negotiate an extension it did not. */
    public static final int MANDATORY_EXTENSION = 1010;
    /** The server met an unexpected condition. */
    public static final int INTERNAL_ERROR = 1011;
    /** The server is restarting. */
    public static final int SERVICE_RESTART = 1012;
    /** The server is overloaded; try again later. */
    public static final int TRY_AGAIN_LATER = 1013;
    /** A gateway got an invalid response from the server upstream. */
    public static final int BAD_GATEWAY = 1014;
    /** Local only: the TLS handshake failed. */
    public static final int TLS_HANDSHAKE = 1015;

    private CloseCode() {
    }

    /**
     * Whether a close frame may carry this code (RFC 6455 §7.4.1 and §7.4.2, and the IANA registry): 1000-1003,
     * 1007-1014 and 3000-4999. A received close frame with any other code is a protocol error (1002).
     */
    public static boolean isValidOnWire(int code) {
        return code >= 1000 && code <= 1003
                || code >= 1007 && code <= 1014
                || code >= 3000 && code <= 4999;
    }
}
