package dev.wisp.server;

import dev.wisp.core.Version;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Objects;

/**
 * What the server knows about one connection, given to {@link ConnectionListener}s and to handlers through
 * {@link ServerRequest#connection()}.
 *
 * @param id a number unique within the server, also used in log lines as {@code [c17]}
 * @param remoteAddress the peer's address
 * @param localAddress our address the peer connected to
 * @param openedAt when the connection was accepted
 * @param protocol the protocol chosen for the connection
 */
public record ConnectionInfo(long id, InetSocketAddress remoteAddress, InetSocketAddress localAddress,
        Instant openedAt, Version protocol) {
    public ConnectionInfo {
        Objects.requireNonNull(remoteAddress, "remoteAddress");
        Objects.requireNonNull(localAddress, "localAddress");
        Objects.requireNonNull(openedAt, "openedAt");
        Objects.requireNonNull(protocol, "protocol");
    }
}
