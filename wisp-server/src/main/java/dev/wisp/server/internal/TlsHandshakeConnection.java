package dev.wisp.server.internal;

import dev.wisp.core.HttpDate;
import dev.wisp.server.ConnectionProtocol;
import dev.wisp.tls.TlsSessionInfo;
import dev.wisp.transport.PlaintextPeerException;
import dev.wisp.transport.TlsTransport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

/**
 * A connection of an HTTPS port during its TLS handshake. The handshake runs on the connection's own virtual
 * thread under the configured handshake timeout (the sweeper enforces it), so a slow or stalled client holds up
 * nothing but itself. Once it is done, the connection hands its transport to the protocol ALPN chose (HTTP/2 for
 * {@code h2}, else HTTP/1.1, also when the client offered no ALPN) and that connection takes this one's place in the
 * registry and thread.
 *
 * <p>Runs on the connection's thread; see {@link ServerConnection} for what other threads may call.
 */
final class TlsHandshakeConnection extends ServerConnection {
    private final TlsConnections connections;
    /**
     * When the handshake began, or 0 once it is over ({@link #headSinceNanos()}): a plain field, read by the
     * registry's thread without a lock, as {@code Http1ServerConnection}'s head start is.
     */
    private long handshakeSinceNanos;

    TlsHandshakeConnection(ServerContext context, TlsConnections connections, TlsTransport transport, long id) {
        super(context, transport, id);
        this.connections = connections;
    }

    @Override
    ConnectionProtocol protocol() {
        return ConnectionProtocol.HTTP_1_1;
    }

    /**
     * A handshake is the connection's first head: when the server is full with none idle, the one that has taken the
     * longest, over a second, is ended as at its timeout to make room, so that clients that drip their handshakes
     * cannot hold every place for {@code handshakeTimeout}.
     */
    @Override
    long headSinceNanos() {
        return handshakeSinceNanos;
    }

    @Override
    void releaseBuffers() {
        // the transport holds the only buffers of a handshake
    }

    @Override
    public void run() {
        onThisThread();
        Instant started;
        try {
            started = Instant.now();
            handshakeSinceNanos = System.nanoTime();
            transport.readDeadline(handshakeSinceNanos + connections.tls().config().handshakeTimeout().toNanos());
            transport.handshake();
            transport.readDeadline(0);
            handshakeSinceNanos = 0;
            if (isTimedOut()) {
                throw new IOException("handshake completed as its deadline passed");
            }
        } catch (IOException | RuntimeException | Error e) {
            if (e instanceof PlaintextPeerException) {
                answerPlaintextPeer();
            }
            String reason = reasonOf(e);
            close(OutOfMemory.REASON.equals(reason) ? reason : "TLS handshake failed: " + reason);
            // Counted once closed, so a count seen from outside never includes a connection still open.
            connections.handshakeFailed(id(), reason);
            return;
        }
        TlsSessionInfo session = connections.tls().handshakeCompleted(((TlsTransport) transport).engine(), started);
        ServerConnection next = switch (session.alpnProtocol().orElse("http/1.1")) {
            case "http/1.1" -> connections.http1().open(this, session);
            case "h2" -> connections.http1().http2() == null ? null
                    : connections.http1().http2().open(this, session);
            default -> null;
        };
        if (next == null) {
            close("ALPN chose " + session.alpnProtocol().orElseThrow() + ", which this server does not serve");
            return;
        }
        context.registry().replace(this, next);
        next.run();
    }

    /**
     * Answers an {@code http://} request sent to this HTTPS port with a 400 the client can show, in plaintext, as
     * nginx ("The plain HTTP request was sent to HTTPS port") and Go do, rather than a TLS alert that curl reports as
     * a malformed response and a browser as an empty one. Best effort: the connection closes either way.
     */
    private void answerPlaintextPeer() {
        byte[] body = "This port speaks HTTPS: ask for the https:// URL.\n".getBytes(StandardCharsets.US_ASCII);
        String head = "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: "
                + body.length + "\r\nDate: " + HttpDate.now() + "\r\nConnection: close\r\n\r\n";
        byte[] answer = Arrays.copyOf(head.getBytes(StandardCharsets.US_ASCII), head.length() + body.length);
        System.arraycopy(body, 0, answer, head.length(), body.length);
        try {
            ((TlsTransport) transport).answerPlaintextPeer(answer);
        } catch (IOException | RuntimeException e) {
            // The peer may be gone already.
        }
    }

    /**
     * Why the handshake failed, in one line. Never fails, so that the close comes: short of memory (a full heap
     * fails an allocation, or the first link of a string concatenation), a constant.
     */
    private String reasonOf(Throwable e) {
        try {
            if (e instanceof OutOfMemoryError) {
                OutOfMemory.failed(e);
                return OutOfMemory.REASON;
            }
            return isTimedOut() ? "handshake timeout"
                    : forcedCloseReason() != null ? forcedCloseReason() : describe(e);
        } catch (RuntimeException | Error stillShort) {
            return OutOfMemory.REASON;
        }
    }

    /** The reason of a handshake failure in one line, without a stack trace. */
    private static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message;
    }
}
