package dev.wisp.client;

import dev.wisp.core.RequestHead;
import dev.wisp.core.ResponseHead;
import dev.wisp.tls.TlsSessionInfo;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Sees what a client does, as it happens: connection events name the connection ({@link ConnectionInfo}: its id,
 * origin and user attachment), exchange events the {@link Request}. Every method does nothing unless overridden.
 * Methods run on the thread doing the work (the caller's, or the call's virtual thread), so they must be quick and must
 * not block; an exception thrown by one is logged and otherwise ignored.
 *
 * <p>Order for one call on a new connection: {@code dnsResolved, tunnelOpened} (through a proxy's tunnel),
 * {@code connected, tlsHandshakeDone} (TLS only),
 * {@code requestHeadersSent, requestBodySent} (when there is a body), {@code interimResponse} for each 1xx that comes
 * first (a {@code 100 Continue} before the body it invites), {@code responseHeaders}, {@code bodyChunk} per read,
 * then {@code finished} or {@code failed}; {@code disconnected} whenever a connection closes. A call that
 * follows a redirect or answers an authentication challenge repeats the sequence for each hop, after a
 * {@code redirected} or {@code authenticating} event. A WebSocket's opening gives {@code requestHeadersSent} for its
 * upgrade request (or its extended CONNECT over HTTP/2) and {@code responseHeaders} for the answer.
 */
public interface EventListener {
    /** The listener that does nothing. */
    EventListener NONE = new EventListener() {
    };

    /** @param addresses the addresses of the host connected to: the proxy's, through one */
    default void dnsResolved(ConnectionInfo connection, List<InetAddress> addresses) {
    }

    /** @param remote the peer (the proxy, through one); a Unix domain socket's path as an unresolved address */
    default void connected(ConnectionInfo connection, InetSocketAddress remote) {
    }

    /**
     * The same event with this end's address too, which is what the client calls; by default it calls
     * {@link #connected(ConnectionInfo, InetSocketAddress)}, so a listener overrides one or the other.
     *
     * @param local the socket's own address: the port the system chose (or {@link SocketOptions}' local port) and
     *     the address it is bound to; empty on a Unix domain socket
     */
    default void connected(ConnectionInfo connection, InetSocketAddress remote, Optional<InetSocketAddress> local) {
        connected(connection, remote);
    }

    /**
     * A connection attempt failed and will be tried again after {@code delay}, as the {@link RetryPolicy} says.
     *
     * @param retry which retry comes next, from 1
     */
    default void connectRetry(ConnectionInfo connection, int retry, Duration delay, IOException cause) {
    }

    /**
     * An HTTP or HTTPS proxy opened a tunnel for a new connection: it answered the {@code CONNECT} with this 2xx head
     * (curl's {@code %{http_connect}}). Comes before {@code connected}. A refusal is no event but the call's failure,
     * {@link ProxyTunnelRefusedException} or {@link ProxyAuthenticationException}, which carry the status; a SOCKS
     * proxy's tunnel has no head and no event.
     */
    default void tunnelOpened(ConnectionInfo connection, ResponseHead response) {
    }

    /**
     * The TLS handshake of a new connection completed.
     *
     * @param session the session's facts, the same a server's connection callbacks get: protocol, cipher suite,
     *     ALPN result, the server's verified certificates, and {@link TlsSessionInfo#resumed() whether} an
     *     earlier session was resumed (as {@link Timing#tlsResumed()} and {@link Response#tlsSession()} say)
     */
    default void tlsHandshakeDone(ConnectionInfo connection, TlsSessionInfo session) {
    }

    /** @param head the head as it went out, with the fields the client added */
    default void requestHeadersSent(Request request, RequestHead head) {
    }

    /** @param bytes the body's length on the wire, framing excluded */
    default void requestBodySent(Request request, long bytes) {
    }

    /**
     * An interim response came before the final one (RFC 9110 §15.2): {@code 100 Continue}, {@code 103 Early Hints}
     * and the like, never {@code 101}, which is final. The call goes on reading; {@code responseHeaders} follows
     * for the final head. May run on a thread of the call's own while it waits for {@code 100 Continue}.
     */
    default void interimResponse(Request request, ResponseHead head) {
    }

    /** The final response head came: not an {@link #interimResponse interim} one. */
    default void responseHeaders(Request request, ResponseHead head) {
    }

    /** A read of the response body returned bytes ({@code bytes} of them, before any decompression). */
    default void bodyChunk(Request request, int bytes) {
    }

    /**
     * A redirect is followed: {@code response} came for {@code request}, and {@code next} goes out now (its body
     * dropped and method changed as RFC 9110 §15.4 says, credentials dropped for another origin).
     */
    default void redirected(Request request, ResponseHead response, Request next) {
    }

    /**
     * A {@code 401} challenge is answered: {@code next} carries the credentials for it (the Authorization value is
     * not shown to the listener through the request's {@code toString}).
     */
    default void authenticating(Request request, ResponseHead response, Request next) {
    }

    /** The response body was read to its end. */
    default void finished(Request request, Timing timing) {
    }

    /** A connection closed; the reason says why (server closed it, idle too long, a failure, disconnect). */
    default void disconnected(ConnectionInfo connection, String reason) {
    }

    /** The call failed with this exception, which is also thrown to the caller. */
    default void failed(Request request, IOException error) {
    }
}
