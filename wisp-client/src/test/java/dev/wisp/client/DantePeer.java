package dev.wisp.client;

import dev.wisp.testing.PeerTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Dante's {@code danted}, a SOCKS5 proxy nobody here wrote, on loopback in the foreground as one process, with no
 * authentication (its username method checks system accounts, which a test cannot add).
 */
final class DantePeer implements AutoCloseable {
    private final Process process;
    private final int port;

    private DantePeer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static DantePeer start(Path directory) throws Exception {
        Path danted = PeerTools.require("danted");
        int port = NginxPeer.freePort();
        Path config = directory.resolve("danted.conf");
        Files.writeString(config, """
                logoutput: stderr
                internal: 127.0.0.1 port = %d
                external: 127.0.0.1
                clientmethod: none
                socksmethod: none
                client pass { from: 127.0.0.0/8 to: 0.0.0.0/0 }
                socks pass { from: 127.0.0.0/8 to: 0.0.0.0/0 }
                """.formatted(port));
        Process process = PeerTools.startListening(List.of(danted.toString(), "-f", config.toString(), "-N", "1",
                "-p", directory.resolve("danted.pid").toString()), port, directory.resolve("danted.log"));
        return new DantePeer(process, port);
    }

    int port() {
        return port;
    }

    @Override
    public void close() throws InterruptedException {
        PeerTools.stop(process);
    }
}
