package dev.wisp.client;

import java.util.Objects;

/**
 * A SOCKS5 proxy did not open the connection to the origin: it refused the authentication methods offered or the
 * credentials given (RFC 1929), answered the {@code CONNECT} with a failure reply (RFC 1928 §6), or broke the
 * protocol. {@link #failure()} says which; the connection to the proxy is closed.
 */
public final class SocksProxyException extends ConnectFailedException {
    /** Why the proxy did not connect: the reply codes of RFC 1928 §6, then the failures before a reply. */
    public enum Failure {
        /** Reply {@code X'01'}. */
        GENERAL_FAILURE(1, "general SOCKS server failure"),
        /** Reply {@code X'02'}: the proxy's rules do not allow the connection. */
        NOT_ALLOWED(2, "connection not allowed by ruleset"),
        /** Reply {@code X'03'}. */
        NETWORK_UNREACHABLE(3, "network unreachable"),
        /** Reply {@code X'04'}, also a name the proxy could not resolve. */
        HOST_UNREACHABLE(4, "host unreachable"),
        /** Reply {@code X'05'}: nothing listens at the origin's port. */
        CONNECTION_REFUSED(5, "connection refused"),
        /** Reply {@code X'06'}. */
        TTL_EXPIRED(6, "TTL expired"),
        /** Reply {@code X'07'}. */
        COMMAND_NOT_SUPPORTED(7, "command not supported"),
        /** Reply {@code X'08'}: the proxy takes no address of this type (a name, or IPv6). */
        ADDRESS_TYPE_NOT_SUPPORTED(8, "address type not supported"),
        /** A reply code RFC 1928 does not define. */
        UNKNOWN_REPLY(-1, "unknown reply"),
        /** The proxy accepted none of the methods offered ({@code X'FF'}): it wants credentials that were not given. */
        NO_ACCEPTABLE_METHOD(-1, "no acceptable authentication method"),
        /** The proxy refused the user and password (RFC 1929 §2: a status other than {@code X'00'}). */
        AUTHENTICATION_REFUSED(-1, "user and password refused"),
        /** The proxy's answer was not SOCKS5 as RFC 1928 and 1929 define it. */
        PROTOCOL_ERROR(-1, "protocol error");

        private final int code;
        private final String text;

        Failure(int code, String text) {
            this.code = code;
            this.text = text;
        }

        /** The failure of a reply code other than success ({@code X'00'}). */
        public static Failure ofReply(int code) {
            for (Failure failure : values()) {
                if (failure.code == code) {
                    return failure;
                }
            }
            return UNKNOWN_REPLY;
        }

        /** What RFC 1928 calls it, or what happened. */
        public String text() {
            return text;
        }
    }

    private final Failure failure;
    private final int replyCode;

    /**
     * @param replyCode the proxy's reply or status code as it sent it, or -1 when there was none
     * @param detail what the client asked for and what went wrong, for the message
     */
    public SocksProxyException(Failure failure, int replyCode, String detail) {
        super(detail + ": " + failure.text() + (replyCode >= 0 ? " (SOCKS reply " + replyCode + ")" : ""), null);
        this.failure = Objects.requireNonNull(failure, "failure");
        this.replyCode = replyCode;
    }

    /** Why the proxy did not connect. */
    public Failure failure() {
        return failure;
    }

    /** The proxy's reply (or, for refused credentials, status) code as it sent it; -1 when there was none. */
    public int replyCode() {
        return replyCode;
    }

    /**
     * Whether the proxy wanted credentials or refused them: {@link Failure#NO_ACCEPTABLE_METHOD} or
     * {@link Failure#AUTHENTICATION_REFUSED}.
     */
    public boolean isAuthentication() {
        return failure == Failure.NO_ACCEPTABLE_METHOD || failure == Failure.AUTHENTICATION_REFUSED;
    }
}
