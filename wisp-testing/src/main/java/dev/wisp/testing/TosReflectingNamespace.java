package dev.wisp.testing;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * Runs a command in a network namespace of its own where the IP type of service a client puts on the wire can be
 * read back: Linux's {@code net.ipv4.tcp_reflect_tos} makes an accepted TCP socket take the TOS byte of the SYN
 * that opened it, so {@code getsockopt(IP_TOS)} on the accepted socket shows what the client sent. The sysctl is
 * per namespace, and is set only in the new one: the machine's own namespace is never touched.
 *
 * <p>Inside, {@code lo} is brought up and a python3 peer listens on {@code 127.0.0.1:}{@link #PORT}: to every
 * HTTP/1.1 request it answers {@code 200} with the accepted socket's TOS byte, in decimal, as the body, and closes
 * the connection. The peer is stopped by its process id when the command ends, and by itself after a minute with
 * no connection.
 *
 * <p>Making a namespace takes root ({@code unshare --net}); without it the test is skipped, or fails in CI (see
 * {@code NetworkNamespace}).
 */
public final class TosReflectingNamespace {
    /** The peer's port; the namespace is new, so nothing else holds it. */
    public static final int PORT = 8000;

    private static final String PEER = NetworkNamespace.listeningPeer(PORT) + """
            server.settimeout(60)
            while True:
                connection, _ = server.accept()
                tos = connection.getsockopt(socket.IPPROTO_IP, socket.IP_TOS)
                connection.settimeout(10)
                read_head(connection)
                body = str(tos).encode()
                connection.sendall(b"HTTP/1.1 200 OK\\r\\nContent-Length: %d\\r\\nConnection: close\\r\\n\\r\\n"
                        % len(body) + body)
                connection.close()
            """;

    private TosReflectingNamespace() {
    }

    /**
     * Runs the command inside a new namespace with the peer listening, to its end.
     *
     * @throws AssertionError if the namespace or the peer cannot be set up, or the command outlives the timeout
     */
    public static PeerTools.Result run(Duration timeout, List<String> command)
            throws IOException, InterruptedException {
        return NetworkNamespace.run(timeout, "ip link set lo up && sysctl -q -w net.ipv4.tcp_reflect_tos=1", PEER,
                command);
    }
}
