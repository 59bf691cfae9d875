package dev.wisp.client;

import dev.wisp.testing.PeerTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** tinyproxy, a forward proxy nobody here wrote, on loopback in the foreground, with Basic credentials required. */
final class TinyproxyPeer implements AutoCloseable {
    static final String USER = "proxyuser";
    static final String PASSWORD = "prxxy";

    private final Process process;
    private final int port;

    private TinyproxyPeer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static TinyproxyPeer start(Path directory) throws Exception {
        Path tinyproxy = PeerTools.require("tinyproxy");
        int port = NginxPeer.freePort();
        Files.writeString(directory.resolve("tinyproxy.conf"), """
                Port %d
                Listen 127.0.0.1
                Timeout 30
                LogLevel Info
                MaxClients 20
                Allow 127.0.0.1
                BasicAuth %s %s
                """.formatted(port, USER, PASSWORD));
        Process process = PeerTools.startListening(List.of(tinyproxy.toString(), "-d", "-c",
                directory.resolve("tinyproxy.conf").toString()), port, directory.resolve("tinyproxy.log"));
        return new TinyproxyPeer(process, port);
    }

    int port() {
        return port;
    }

    @Override
    public void close() throws InterruptedException {
        PeerTools.stop(process);
    }
}
