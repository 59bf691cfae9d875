package dev.wisp.testing;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * Runs a command in a network namespace of its own whose range of local ports for outgoing connections
 * ({@code net.ipv4.ip_local_port_range}) holds two ports, so that a client runs out of them at its third connection
 * open at once: what a gateway meets when it opens connections faster than the system's range allows (each closed
 * one holds its port in TIME_WAIT), and whether the client recovers once ports are free. The sysctl is per
 * namespace, and is set only in the new one: the machine's own namespace is never touched.
 *
 * <p>Inside, {@code lo} is brought up and a python3 peer listens on {@code 127.0.0.1:}{@link #PORT}: it answers every
 * HTTP/1.1 request with {@code 200} and the body {@code ok} after {@link #ANSWER_DELAY}, on keep-alive connections,
 * each on a thread of its own. The peer is stopped by its process id when the command ends.
 *
 * <p>Making a namespace takes root ({@code unshare --net}); without it the test is skipped, or fails in CI (see
 * {@code NetworkNamespace}).
 */
public final class PortLimitedNamespace {
    /** The peer's port; the namespace is new, so nothing else holds it. */
    public static final int PORT = 8000;
    /** How long the peer takes to answer each request. */
    public static final Duration ANSWER_DELAY = Duration.ofSeconds(1);
    /** The local ports a connection may take: two. */
    private static final String PORT_RANGE = "40000 40001";

    private static final String PEER = NetworkNamespace.listeningPeer(PORT) + """
            import threading, time
            def serve(connection):
                connection.settimeout(60)
                try:
                    while read_head(connection).endswith(b"\\r\\n\\r\\n"):
                        time.sleep(%f)
                        connection.sendall(b"HTTP/1.1 200 OK\\r\\nContent-Length: 2\\r\\n\\r\\nok")
                except OSError:
                    pass
                connection.close()
            server.settimeout(60)
            while True:
                connection, _ = server.accept()
                threading.Thread(target=serve, args=(connection,), daemon=True).start()
            """.formatted(ANSWER_DELAY.toMillis() / 1000.0);

    private PortLimitedNamespace() {
    }

    /**
     * Runs the command inside a new namespace with the peer listening, to its end.
     *
     * @throws AssertionError if the namespace or the peer cannot be set up, or the command outlives the timeout
     */
    public static PeerTools.Result run(Duration timeout, List<String> command)
            throws IOException, InterruptedException {
        return NetworkNamespace.run(timeout, "ip link set lo up && sysctl -q -w net.ipv4.ip_local_port_range='"
                + PORT_RANGE + "'", PEER, command);
    }
}
