package dev.wisp.server.internal;

import dev.wisp.transport.StreamSocket;
import java.io.IOException;
import java.nio.channels.SocketChannel;

/**
 * Turns an accepted socket into a connection of the protocol its port serves, or refuses it when the server is
 * full. One per listening port: the plaintext port starts HTTP/1.1 at once, a TLS port handshakes first and
 * lets ALPN choose. The listener stays protocol-neutral by going through this.
 *
 * <p>Called on the accept thread; implementations must not block on the peer.
 */
interface ConnectionFactory {

    /**
     * Makes the connection for an accepted socket (the channel as the server runs it, see
     * {@link ServerContext#socket}); the caller registers and starts it.
     *
     * @throws IOException if the socket is no longer usable
     */
    ServerConnection open(StreamSocket socket, long id) throws IOException;

    /** Refuses a socket because the server is full, in the protocol's words if it has any, and closes it. */
    void refuse(SocketChannel channel);
}
