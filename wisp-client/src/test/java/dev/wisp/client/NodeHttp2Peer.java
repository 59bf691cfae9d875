package dev.wisp.client;

import dev.wisp.testing.PeerProcess;
import dev.wisp.testing.PeerTools;
import dev.wisp.tls.TlsConfig;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An HTTP/2 server on node's built-in {@code http2} module ({@code node/http2-peer.js}, whose comment lists its
 * routes and options), over TLS with ALPN h2 or h2c by prior knowledge, on an ephemeral loopback port that it keeps
 * across {@link #restart()}. Stopped by its own process handle.
 *
 * <p>One test thread uses it.
 */
final class NodeHttp2Peer implements AutoCloseable {
    private final List<String> command;
    private final TlsConfig tls;
    private PeerProcess process;
    private int port;

    private NodeHttp2Peer(List<String> command, TlsConfig tls) {
        this.command = command;
        this.tls = tls;
    }

    /**
     * Starts the peer.
     *
     * @param directory where the certificate goes, for h2
     * @param options more options of the script: {@code --max-streams N}, {@code --goaway-after N}
     */
    static NodeHttp2Peer start(Path directory, boolean overTls, String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of(PeerTools.require("node").toString(), script()));
        command.addAll(List.of(options));
        TlsConfig tls = null;
        if (overTls) {
            tls = TestTlsFiles.writeLocalhostCertificate(directory);
            command.addAll(List.of("--tls", directory.resolve("cert.pem").toString(),
                    directory.resolve("key.pem").toString()));
        }
        NodeHttp2Peer peer = new NodeHttp2Peer(command, tls);
        peer.launch(0);
        return peer;
    }

    private static String script() throws URISyntaxException {
        return Path.of(NodeHttp2Peer.class.getResource("/node/http2-peer.js").toURI()).toString();
    }

    private void launch(int wantedPort) throws Exception {
        List<String> withPort = new ArrayList<>(command);
        withPort.addAll(List.of("--port", Integer.toString(wantedPort)));
        process = PeerProcess.start(withPort, Map.of(), "listening on ", Duration.ofSeconds(20));
        List<String> lines = process.output().seen(); // the last one says where this process listens
        String ready = lines.stream().filter(line -> line.startsWith("listening on ")).reduce((a, b) -> b)
                .orElseThrow();
        port = Integer.parseInt(ready.substring("listening on ".length()).trim());
    }

    /** Stops the server (its connections close) and starts a new one on the same port. */
    void restart() throws Exception {
        process.close();
        launch(port);
    }

    /** The peer as the tests of every server see it: node echoes uploads at {@code /echo}. */
    Http2Peer peer() {
        return new Http2Peer("node", port, tls, Http2Peer.Uploads.ECHO, this);
    }

    @Override
    public void close() throws InterruptedException {
        process.close();
    }
}
