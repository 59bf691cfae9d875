package dev.wisp.client.internal;

import dev.wisp.client.ConnectionClosedException;
import dev.wisp.client.HttpCallException;
import dev.wisp.client.Origin;
import dev.wisp.client.ResponseProtocolException;
import dev.wisp.client.TimeoutExceededException;
import dev.wisp.client.TimeoutExceededException.Timeout;
import dev.wisp.client.TlsHandshakeException;
import dev.wisp.core.HttpProtocolException;
import dev.wisp.core.MessageTooLargeException;
import java.io.EOFException;
import java.io.IOException;
import java.security.cert.CertificateException;
import java.time.Duration;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * The one place that decides what an I/O failure during an exchange means for the caller: canceled, which
 * timeout, a failed TLS handshake, a broken response, or a connection that closed, each with where it happened.
 */
final class Failures {
    private Failures() {
    }

    /** Where in the exchange a failure happened, for the message. */
    enum Phase {
        SENDING("while sending the request"),
        AWAITING_RESPONSE("before the response"),
        READING_HEAD("in the response head"),
        READING_BODY("in the middle of the response body");

        final String where;

        Phase(String where) {
            this.where = where;
        }
    }

    static HttpCallException map(IOException e, CallContext call, Http1ClientConnection connection, Phase phase) {
        if (e instanceof HttpCallException typed) {
            return typed;
        }
        if (call.isCanceled()) {
            return call.canceledException();
        }
        Timeout expired = connection.expired();
        if (expired != null) {
            return new TimeoutExceededException(expired, call.request() + " " + phase.where,
                    limit(expired, call));
        }
        if (e instanceof SSLHandshakeException) {
            return tlsHandshakeFailed(connection.origin(), e);
        }
        if (e instanceof HttpProtocolException protocol) {
            String limitName = protocol instanceof MessageTooLargeException tooLarge ? tooLarge.limitName() : null;
            return new ResponseProtocolException("invalid response from " + connection.origin() + ": "
                    + protocol.getMessage(), limitName, protocol);
        }
        String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        boolean emptyReply = phase == Phase.AWAITING_RESPONSE && rootCause(e) instanceof EOFException;
        return new ConnectionClosedException("connection to " + connection.origin() + " closed " + phase.where
                + ": " + detail, false, emptyReply, e);
    }

    private static Throwable rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    /**
     * A failed TLS handshake. Under TLS 1.3 the client's side of the handshake ends before the server has checked
     * the client's certificate, so the server's refusal (certificate_required, unknown_ca...) arrives at the first
     * read of the exchange; the JDK reports it as an {@link SSLHandshakeException} there too, and so do we.
     *
     * @param e what the handshake or the first read threw; other than an {@link SSLException}, the peer closed
     */
    static TlsHandshakeException tlsHandshakeFailed(Origin origin, IOException e) {
        return tlsHandshakeFailed(origin.host() + ":" + origin.port(), e);
    }

    /** A failed TLS handshake with this endpoint: an origin's host and port, or an HTTPS proxy's, so named. */
    static TlsHandshakeException tlsHandshakeFailed(String endpoint, IOException e) {
        String reason = e instanceof SSLException ? innermostMessage(e)
                : "the server closed the connection during the handshake";
        return new TlsHandshakeException(endpoint, reason, isCertificateRejected(e), e);
    }

    /**
     * Whether the failure is our check of the server's certificate: the JDK's trust manager and hostname check
     * throw {@link CertificateException}s (a PKIX path that does not build, an expired certificate, a name that
     * does not match). An alert from the server about our certificate carries none.
     */
    private static boolean isCertificateRejected(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof CertificateException) {
                return true;
            }
        }
        return false;
    }

    /** The message of the innermost cause: the one that says why ("PKIX path building failed", a name mismatch). */
    private static String innermostMessage(Throwable e) {
        Throwable inner = e;
        while (inner.getCause() != null && inner.getCause() != inner) {
            inner = inner.getCause();
        }
        String message = inner.getMessage() != null ? inner.getMessage() : inner.getClass().getSimpleName();
        return message.equals(e.getMessage()) ? message : message + " (" + e.getMessage() + ")";
    }

    private static Duration limit(Timeout timeout, CallContext call) {
        return switch (timeout) {
            case CONNECT -> call.config().connectTimeout();
            case HANDSHAKE -> call.config().tls().handshakeTimeout();
            case READ -> call.config().readTimeout();
            case WRITE -> call.config().writeTimeout();
            case CALL -> call.callTimeout();
        };
    }
}
