package dev.wisp.testing;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a command in a network namespace of its own, made with {@code unshare --net}, after a setup of its
 * interfaces and a python3 peer that prints its process id once it listens: what the namespace helpers
 * ({@link TosReflectingNamespace}, {@link PriorityObservingNamespace}) share. Whatever the setup changes (a sysctl,
 * {@code lo}) exists only in the new namespace: the machine's own is never touched. The peer is stopped by its
 * process id when the command ends.
 *
 * <p>Making a namespace takes root; without it the test is skipped, or fails in CI.
 */
final class NetworkNamespace {
    private static final int SETUP_FAILED = 97;
    private static final int PEER_FAILED = 98;

    /** The setup, the peer started (its pid printed once it listens), the command, the peer stopped. */
    private static final String SCRIPT = """
            sh -c "$NAMESPACE_SETUP" || exit %d
            peer=$(python3 -c "$NAMESPACE_PEER") || exit %d
            "$@"
            status=$?
            kill "$peer"
            exit $status
            """.formatted(SETUP_FAILED, PEER_FAILED);

    /** A python3 function for the peers: reads a request head up to its blank line, or to the end of the stream. */
    static final String READ_HEAD = """
            def read_head(connection):
                head = b""
                while b"\\r\\n\\r\\n" not in head:
                    chunk = connection.recv(4096)
                    if not chunk:
                        break
                    head += chunk
                return head
            """;

    /**
     * The start of a python3 peer that listens on {@code 127.0.0.1} at the port (its socket is {@code server}), then
     * forks: the parent prints the child's process id and exits, as {@link #run} wants, and the child goes on with
     * standard output closed; with {@link #READ_HEAD} and the modules {@code os}, {@code socket} and {@code sys}.
     */
    static String listeningPeer(int port) {
        return READ_HEAD + """
                import os, socket, sys
                server = socket.socket()
                server.bind(("127.0.0.1", %d))
                server.listen(16)
                child = os.fork()
                if child:
                    print(child)
                    sys.exit(0)
                os.dup2(os.open(os.devnull, os.O_RDWR), 1)
                """.formatted(port);
    }

    private NetworkNamespace() {
    }

    /**
     * Runs the command inside a new namespace with the peer listening, to its end.
     *
     * @param setup shell commands that prepare the namespace, run as root inside it
     * @param peer the python3 program of the peer: it prints its pid once it listens and exits 0, leaving the
     *     listening process behind
     * @throws AssertionError if the setup or the peer fails, or the command outlives the timeout
     */
    static PeerTools.Result run(Duration timeout, String setup, String peer, List<String> command)
            throws IOException, InterruptedException {
        requireNamespaces();
        List<String> wrapped = new ArrayList<>(List.of("env", "NAMESPACE_SETUP=" + setup, "NAMESPACE_PEER=" + peer,
                "unshare", "--net", "sh", "-c", SCRIPT, "sh"));
        wrapped.addAll(command);
        PeerTools.Result result = PeerTools.run(timeout, wrapped);
        if (result.exitCode() == SETUP_FAILED || result.exitCode() == PEER_FAILED) {
            throw new AssertionError((result.exitCode() == SETUP_FAILED ? "could not set up (" + setup + ")"
                    : "the python3 peer did not start") + " in the new namespace: " + result.stderr());
        }
        return result;
    }

    /** Skips the test (fails it in CI) when no namespace can be made here: not root, or no unshare, ip, python3. */
    private static void requireNamespaces() throws IOException, InterruptedException {
        PeerTools.require("unshare");
        PeerTools.require("ip");
        PeerTools.require("python3");
        PeerTools.Result probe = PeerTools.run(Duration.ofSeconds(10), List.of("unshare", "--net", "true"));
        if (probe.exitCode() != 0) {
            PeerTools.missing("cannot make a network namespace (unshare --net needs root): "
                    + probe.stderr().strip());
        }
    }
}
