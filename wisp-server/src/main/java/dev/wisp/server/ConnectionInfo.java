package dev.wisp.server;

import dev.wisp.tls.TlsSessionInfo;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What the server knows about one connection, given to {@link ConnectionListener}s and to handlers through
 * {@link ServerRequest#connection()}.
 *
 * @param id a number unique within the server, also used in log lines as {@code [c17]}
 * @param remoteAddress the peer's address
 * @param localAddress our address the peer connected to
 * @param openedAt when the connection was accepted
 * @param protocol the protocol the connection speaks: WebSocket once a 101 switched it
 * @param tls the TLS session (version, cipher suite, ALPN, SNI name, the verified client certificates, whether
 *     it was resumed), or empty for plaintext
 */
public record ConnectionInfo(long id, InetSocketAddress remoteAddress, InetSocketAddress localAddress,
        Instant openedAt, ConnectionProtocol protocol, Optional<TlsSessionInfo> tls) {
    public ConnectionInfo {
        Objects.requireNonNull(remoteAddress, "remoteAddress");
        Objects.requireNonNull(localAddress, "localAddress");
        Objects.requireNonNull(openedAt, "openedAt");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(tls, "tls");
    }
}
